// Clean Up on vSphere: deletes only what a journal entry names and vSphere confirms — the job's temporary snapshot,
// still in the journalled VM's snapshot tree with the job's marker (RemoveSnapshot_Task, removeChildren false,
// consolidate true), and the job's unfinished files — never a user snapshot. VMs whose runtime.consolidationNeeded is
// true are listed with Consolidate offered (ConsolidateVMDisks_Task), never consolidated unasked.
import { CleanupItem, cleanupLine } from '../../core/cleanupReport';
import { attemptUnlessBusy } from '../../core/busyRetry';
import { VendorError } from '../../core/errors';
import { JobContext } from '../../core/job';
import { cleanJobFolder } from '../../core/jobFolder';
import { Journal, JournalEntry } from '../../core/journal';
import { settleOwnEntry, sweepJournal } from '../../core/journalSweep';
import { VimClient } from './vimClient';
import { retrieveObject } from './vimPropertyCollector';
import { asList, asMoRef, asObject, optString } from './vimValue';
import { readInventory, readVm } from './vmwareInventory';
import { VsphereInventory, VsphereSnapshot, VsphereVm, flattenSnapshots, isTemporarySnapshot } from './vmwareRecords';
import { removeSnapshot } from './vmwareSnapshots';
import { carriesMarker, journalVm } from './vmwareSnapshotMarker';

export interface VmwareSettleOptions {
  dryRun: boolean;
  /** Extra attempts when the VM is busy (TaskInProgress), with doubling delays from `backoffMs`, if `retryBusy`. */
  retries: number;
  backoffMs: number;
  /** A backup's own snapshot waits for the VM to be free; cleanup skips a busy VM at once and goes on. */
  retryBusy: boolean;
}

/** vSphere's "not now": another task runs on the VM (vSphere API reference, fault TaskInProgress). */
const BUSY = new Set(['TaskInProgress']);

/** A backup's own snapshot removal: retried while the VM is busy (its export may still be letting go). */
export const OWN_SNAPSHOT: VmwareSettleOptions = { dryRun: false, retries: 4, backoffMs: 1000, retryBusy: true };

/**
 * The platform part of settling `entry`: its temporary snapshot, found by the recorded moref or — when the process
 * died before CreateSnapshot_Task answered — by the marker in its name; confirmed as a snapshot of the journalled VM
 * (same uuid) that did not exist before the intent and carries the job's marker; then removed with consolidation. A
 * snapshot that is still being made (the VM's CreateSnapshot_Task running) or a busy VM is `skipped`.
 */
export async function settleSnapshot(
  client: VimClient,
  journal: Journal,
  entry: JournalEntry,
  opts: VmwareSettleOptions,
): Promise<CleanupItem[]> {
  const why = `journal entry ${entry.id} (${entry.state}, job of ${entry.intentAt} on VM "${entry.vm.name}" ${entry.vm.id})`;
  const vm = await readVm(client, entry.vm.id).catch((e: unknown) => {
    if (e instanceof VendorError && e.code === 'ManagedObjectNotFound') return undefined;
    throw e;
  });
  // The VM is gone, and its snapshots with it: nothing of the job is left on the platform.
  if (!vm) return [];
  if (journalVm(vm).uuid !== entry.vm.uuid)
    return entry.name || entry.created
      ? [
          {
            action: 'kept',
            what: `VM "${vm.name}" (${vm.id})`,
            why: `${why} names moref ${vm.id}, but it is now another VM (uuid ${journalVm(vm).uuid}): nothing of it is touched`,
          },
        ]
      : [];
  const all = flattenSnapshots(vm.snapshots);
  const candidates = entry.created
    ? all.filter((s) => s.id === entry.created!.id)
    : all.filter((s) => s.name === entry.name);
  if (!candidates.length && !entry.created && entry.name && (await creatingSnapshot(client, vm.id))) {
    return [
      {
        action: 'skipped',
        what: `snapshot "${entry.name}" of VM "${vm.name}"`,
        why: `${why}; a CreateSnapshot_Task of that VM is still running (recentTask): left for the next cleanup`,
      },
    ];
  }
  const items: CleanupItem[] = [];
  for (const s of candidates) {
    const what = `snapshot "${s.name}" (${s.id}) of VM "${vm.name}"`;
    const problem = notOurs(s, entry);
    if (problem) {
      // Found by name only: something that merely carries the name is not ours, and not worth a line.
      if (entry.created) items.push({ action: 'kept', what, why: `${why} names it, but ${problem}: not ours` });
      continue;
    }
    const proof = `${why}; vSphere confirms it is a snapshot of that VM made after the intent, with the job's marker (${entry.created ? 'moref recorded' : 'found by the marker'})`;
    if (opts.dryRun) {
      items.push({ action: 'would delete', what, why: proof });
      continue;
    }
    await journal.update(entry, { state: 'deleting', created: { id: s.id, uuid: s.id } });
    const busy = await attemptUnlessBusy(
      () => removeSnapshot(client, s.id, { removeChildren: false, consolidate: true }),
      { busy: BUSY, ...opts },
    );
    items.push(
      busy
        ? { action: 'skipped', what, why: `${proof}; ${busy.message}: left for the next cleanup` }
        : { action: 'deleted', what, why: `${proof}; RemoveSnapshot_Task with consolidate` },
    );
  }
  return items;
}

/** Why `s` is not the temporary snapshot of `entry`, or undefined when it is. */
function notOurs(s: VsphereSnapshot, entry: JournalEntry): string | undefined {
  if (entry.before.includes(s.id)) return 'it existed before the job began';
  if (!carriesMarker(s, entry)) return "it does not carry the job's marker (name and description)";
  return undefined;
}

/**
 * Settles one entry: its snapshot (settleSnapshot), then the job's folder leftovers (cleanJobFolder). What could not
 * go stays in the entry (state `leftover`) for the next cleanup; when nothing is left the entry is completed.
 */
export async function settleVmwareEntry(
  client: VimClient,
  journal: Journal,
  entry: JournalEntry,
  others: JournalEntry[],
  opts: VmwareSettleOptions,
): Promise<CleanupItem[]> {
  const items = await settleSnapshot(client, journal, entry, opts);
  items.push(...(await cleanJobFolder(journal.repository, entry, others, opts.dryRun)));
  if (opts.dryRun) return items;
  if (items.some((i) => i.action === 'skipped')) await journal.update(entry, { state: 'leftover' });
  else await journal.complete(entry);
  return items;
}

/**
 * Clean Up of one vSphere connection: every abandoned journal entry settled (sweepJournal); then, from the inventory
 * as it is afterwards, snapshots that look like this tool's temporary ones but that no entry names (`kept`: a name
 * and description prove nothing) and VMs that need consolidation (`offered`: Consolidate).
 */
export async function cleanupVmware(
  client: VimClient,
  journal: Journal,
  connection: string,
  opts: VmwareSettleOptions,
): Promise<CleanupItem[]> {
  const entries = journal.list().entries;
  const items = await sweepJournal(journal, connection, 'vmware', opts.dryRun, (e, all) =>
    settleVmwareEntry(client, journal, e, all, opts),
  );
  const inv = await readInventory(client);
  items.push(...unjournalledTemporary(inv, entries), ...consolidationOffers(inv));
  return items;
}

/** The next run's sweep of what killed runs left (abandoned entries of this connection); never fatal, logged. */
export async function sweepLeftovers(
  client: VimClient,
  journal: Journal,
  connection: string,
  ctx: JobContext,
): Promise<void> {
  try {
    const items = await sweepJournal(journal, connection, 'vmware', false, (e, all) =>
      settleVmwareEntry(client, journal, e, all, { ...OWN_SNAPSHOT, retryBusy: false }),
    );
    for (const i of items.filter((x) => x.action !== 'kept')) ctx.log(`leftover of an earlier run: ${cleanupLine(i)}`);
  } catch (e) {
    ctx.log(`leftovers of earlier runs not cleaned up: ${(e as Error).message}`);
  }
}

/** A backup's own entry, in its finally: settled (settleOwnEntry: what could not go is a warning, kept for Clean Up). */
export async function settleOwn(
  client: VimClient,
  journal: Journal,
  entry: JournalEntry,
  ctx: JobContext,
): Promise<void> {
  await settleOwnEntry(journal, entry, ctx, () => settleVmwareEntry(client, journal, entry, [], OWN_SNAPSHOT));
}

/** Snapshots with the temporary name prefix and description that no journal entry names: listed, never deleted. */
export function unjournalledTemporary(inv: VsphereInventory, entries: JournalEntry[]): CleanupItem[] {
  const named = (vm: VsphereVm, s: VsphereSnapshot) =>
    entries.some((e) => e.vm.id === vm.id && (e.created?.id === s.id || (!!e.name && e.name === s.name)));
  return inv.vms.flatMap((vm) =>
    flattenSnapshots(vm.snapshots)
      .filter((s) => isTemporarySnapshot(s) && !named(vm, s))
      .map<CleanupItem>((s) => ({
        action: 'kept',
        what: `snapshot "${s.name}" (${s.id}) of VM "${vm.name}"`,
        why: 'looks like a temporary snapshot of this tool, but no journal entry of this repository names it: a name and description prove nothing (delete it yourself if you know it is a leftover)',
      })),
  );
}

/** VMs whose runtime.consolidationNeeded is true: Consolidate (ConsolidateVMDisks_Task) offered, nothing done. */
export function consolidationOffers(inv: VsphereInventory): CleanupItem[] {
  return inv.vms
    .filter((v) => v.consolidationNeeded)
    .map((v) => ({
      action: 'offered',
      what: `VM "${v.name}" (${v.id})`,
      why: 'runtime.consolidationNeeded is true (redundant delta disks left by a snapshot removal): Consolidate (ConsolidateVMDisks_Task; CLI: vmbackup consolidate <vm>) merges them — not done unasked',
      offer: { operation: 'consolidate', vmId: v.id },
    }));
}

/**
 * Whether a CreateSnapshot_Task of the VM is queued or running (ManagedEntity.recentTask, TaskInfo.descriptionId
 * `VirtualMachine.createSnapshot` — vSphere API reference). A server that lists no recent tasks answers false.
 */
async function creatingSnapshot(client: VimClient, vmId: string): Promise<boolean> {
  const o = await retrieveObject(client, { type: 'VirtualMachine', value: vmId }, ['recentTask']).catch(
    (e: unknown) => {
      if (e instanceof VendorError && e.code === 'InvalidProperty') return undefined;
      throw e;
    },
  );
  for (const t of asList(o?.props.recentTask)) {
    const task = await retrieveObject(client, asMoRef(t, 'recentTask'), ['info']).catch(() => undefined);
    const info = asObject(task?.props.info, 'TaskInfo');
    const state = optString(info.state, 'TaskInfo.state');
    const kind = optString(info.descriptionId, 'TaskInfo.descriptionId') ?? optString(info.name, 'TaskInfo.name');
    if ((state === 'running' || state === 'queued') && /createSnapshot/i.test(kind ?? '')) return true;
  }
  return false;
}
