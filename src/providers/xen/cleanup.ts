// Deletes what a journal entry names and the pool confirms: the temporary snapshot, its disks, the job's folder leftovers.
import { CleanupItem } from '../../core/cleanupReport';
import { VendorError, vendorErrorText } from '../../core/errors';
import { cleanJobFolder } from '../../core/jobFolder';
import { Journal, JournalEntry, JournalObject } from '../../core/journal';
import { sweepJournal } from '../../core/journalSweep';
import { attemptUnlessBusy } from '../../core/busyRetry';
import { NULL_REF, Ref, XapiClient } from './xapiClient';
import { TEMP_TAG, XenVbd, XenVm } from './xenRecords';

export interface SettleOptions {
  dryRun: boolean;
  /** Extra attempts for VDI_IN_USE (and, when `retryBusy`, OTHER_OPERATION_IN_PROGRESS), with doubling delays from `backoffMs`. */
  retries: number;
  backoffMs: number;
  /** A backup's own snapshot waits for its export to let go; cleanup skips a busy snapshot at once and goes on. */
  retryBusy: boolean;
}

interface XenVdi {
  uuid: string;
  name_label: string;
  is_a_snapshot: boolean;
  snapshot_of: Ref;
}

/** Codes that say "not now" rather than "no". */
const BUSY = new Set(['VDI_IN_USE', 'OTHER_OPERATION_IN_PROGRESS']);

/**
 * Settles one journal entry: the snapshot it names (by uuid, or — when the process died before recording it — by the
 * marker in its name), confirmed by the pool as still a snapshot of the journalled VM that did not exist before the
 * intent; then the disks recorded for it, each confirmed as the same snapshot disk; then the job's folder leftovers.
 * What could not go (busy, in use) is reported `skipped` and stays in the entry (state `leftover`) for the next
 * cleanup; when nothing is left the entry is completed (removed). `others`: every entry of the journal.
 */
export async function settleEntry(
  xapi: XapiClient,
  journal: Journal,
  entry: JournalEntry,
  others: JournalEntry[],
  opts: SettleOptions,
): Promise<CleanupItem[]> {
  const why = `journal entry ${entry.id} (${entry.state}, job of ${entry.intentAt} on VM "${entry.vm.name}" ${entry.vm.uuid})`;
  const act = opts.dryRun ? 'would delete' : 'deleted';
  const items: CleanupItem[] = [];
  let disks: JournalObject[] = [...entry.disks];
  const snapshots = await findSnapshots(xapi, entry);
  if (!snapshots.length && !entry.created && entry.name && (await snapshotRunning(xapi, entry.vm.uuid))) {
    // The job died while VM.snapshot ran: its snapshot may appear yet. The entry stays for the next cleanup.
    return [
      {
        action: 'skipped',
        what: `snapshot "${entry.name}"`,
        why: `${why}; a snapshot of that VM is still in progress (VM.current_operations): left for the next cleanup`,
      },
    ];
  }
  for (const found of snapshots) {
    if ('problem' in found) {
      items.push({ action: 'kept', what: found.what, why: `${why} names it, but ${found.problem}: not ours` });
      continue;
    }
    const what = `snapshot "${found.rec.name_label}" (${found.rec.uuid})`;
    const proof = `${why}; the pool confirms it is a snapshot of that VM made after the intent (${entry.created ? 'uuid recorded' : "found by the job's marker"})`;
    const own = await snapshotDisks(xapi, found.rec);
    disks = [...disks.filter((d) => !own.some((o) => o.uuid === d.uuid)), ...own];
    if (opts.dryRun) {
      items.push({ action: act, what, why: proof });
      continue;
    }
    // The disks are on record before anything is deleted: a crash after VM.destroy still leaves them findable.
    await journal.update(entry, { state: 'deleting', created: { id: found.ref, uuid: found.rec.uuid }, disks });
    const err = await attempt(() => xapi.callAsync('VM.destroy', [found.ref]), opts, opts.retryBusy);
    if (err) {
      items.push({
        action: 'skipped',
        what,
        why: `${proof}; ${vendorErrorText(err.code, err.params)}: left for the next cleanup`,
      });
      continue;
    }
    items.push({ action: act, what, why: proof });
  }
  const snapshotLeft = items.some((i) => i.action === 'skipped');
  const diskLeft: JournalObject[] = [];
  if (!snapshotLeft) {
    for (const d of disks) {
      const item = await settleDisk(xapi, d, why, opts);
      if (item) items.push(item);
      if (item?.action === 'skipped') diskLeft.push(d);
    }
  }
  items.push(...(await cleanJobFolder(journal.repository, entry, others, opts.dryRun)));
  if (opts.dryRun) return items;
  if (snapshotLeft || diskLeft.length)
    await journal.update(entry, { state: 'leftover', disks: snapshotLeft ? disks : diskLeft });
  else await journal.complete(entry);
  return items;
}

/**
 * Cleanup of a connection's journal: every abandoned entry (its job no longer runs anywhere) is settled; entries of
 * running jobs are reported and left alone. One item per object; a failure on one entry does not stop the others.
 */
export async function cleanupJournal(
  xapi: XapiClient,
  journal: Journal,
  connection: string,
  opts: SettleOptions,
): Promise<CleanupItem[]> {
  return sweepJournal(journal, connection, 'xen', opts.dryRun, (e, entries) =>
    settleEntry(xapi, journal, e, entries, opts),
  );
}

/** Snapshots carrying the tool's temporary tag that no journal entry names: listed as kept (copies inherit other_config). */
export function unjournalledTagged(vms: Record<Ref, XenVm>, entries: JournalEntry[]): CleanupItem[] {
  const named = new Set(entries.flatMap((e) => (e.created ? [e.created.uuid] : [])));
  return Object.values(vms)
    .filter((v) => v.is_a_snapshot && v.other_config?.[TEMP_TAG] !== undefined && !named.has(v.uuid))
    .map((v) => ({
      action: 'kept',
      what: `snapshot "${v.name_label}" (${v.uuid})`,
      why: `carries ${TEMP_TAG} but no journal entry names it: other_config is copied into snapshots and clones, so the tag proves nothing`,
    }));
}

type Found = { ref: Ref; rec: XenVm } | { what: string; problem: string };

async function findSnapshots(xapi: XapiClient, entry: JournalEntry): Promise<Found[]> {
  let refs: Ref[];
  if (entry.created) {
    const ref = await byUuid(xapi, 'VM', entry.created.uuid);
    refs = ref ? [ref] : [];
  } else if (entry.name) {
    refs = await xapi.call<Ref[]>('VM.get_by_name_label', entry.name);
  } else return [];
  const out: Found[] = [];
  for (const ref of refs) {
    const rec = await xapi.call<XenVm>('VM.get_record', ref);
    const problem = await notOurs(xapi, rec, entry);
    // Found by name only: something else that merely carries the name is not ours, and not worth a line.
    if (problem && !entry.created) continue;
    out.push(problem ? { what: `VM "${rec.name_label}" (${rec.uuid})`, problem } : { ref, rec });
  }
  return out;
}

/** Why the pool does not confirm `rec` as the entry's snapshot, or undefined when it does. */
async function notOurs(xapi: XapiClient, rec: XenVm, entry: JournalEntry): Promise<string | undefined> {
  if (!rec.is_a_snapshot) return 'it is not a snapshot';
  if (entry.before.includes(rec.uuid)) return 'it existed before the job began';
  if (entry.name && !entry.created && rec.name_label !== entry.name) return "it does not carry the job's marker";
  if (rec.snapshot_of !== entry.vm.id) {
    const of = await xapi.call<string>('VM.get_uuid', rec.snapshot_of).catch(() => undefined);
    if (of !== entry.vm.uuid) return `it is a snapshot of another VM (${rec.snapshot_of})`;
  }
  return undefined;
}

/**
 * Whether the VM is being snapshotted now: xapi holds the VM's `snapshot` (or `checkpoint`) operation in
 * current_operations while VM.snapshot runs (xapi-project/xen-api ocaml/xapi/message_forwarding.ml: VM.snapshot runs
 * inside `with_vm_operation ~op:`snapshot`).
 */
async function snapshotRunning(xapi: XapiClient, vmUuid: string): Promise<boolean> {
  const vm = await byUuid(xapi, 'VM', vmUuid);
  if (!vm) return false;
  const ops = await xapi.call<Record<string, string> | null>('VM.get_current_operations', vm);
  return Object.values(ops ?? {}).some((op) => op === 'snapshot' || op === 'checkpoint');
}

async function snapshotDisks(xapi: XapiClient, snap: XenVm): Promise<JournalObject[]> {
  const out: JournalObject[] = [];
  for (const vbd of snap.VBDs ?? []) {
    const b = await xapi.call<XenVbd>('VBD.get_record', vbd);
    if (b.type !== 'Disk' || !b.VDI || b.VDI === NULL_REF) continue;
    const v = await xapi.call<XenVdi>('VDI.get_record', b.VDI);
    out.push({ id: b.VDI, uuid: v.uuid, parent: v.snapshot_of });
  }
  return out;
}

async function settleDisk(
  xapi: XapiClient,
  d: JournalObject,
  why: string,
  opts: SettleOptions,
): Promise<CleanupItem | undefined> {
  const ref = await byUuid(xapi, 'VDI', d.uuid);
  if (!ref) return undefined;
  const rec = await xapi.call<XenVdi>('VDI.get_record', ref);
  const what = `disk "${rec.name_label}" (${d.uuid})`;
  if (!rec.is_a_snapshot || (d.parent && rec.snapshot_of !== d.parent))
    return { action: 'kept', what, why: `${why} names it, but the pool no longer shows it as that snapshot disk` };
  const proof = `${why} recorded it as a disk of the temporary snapshot; the pool confirms it is still that snapshot disk`;
  if (opts.dryRun) return { action: 'would delete', what, why: proof };
  const err = await attempt(() => xapi.callAsync('VDI.destroy', [ref]), opts, true);
  if (err)
    return {
      action: 'skipped',
      what,
      why: `${proof}; ${vendorErrorText(err.code, err.params)} after ${opts.retries + 1} attempt(s): left for the next cleanup`,
    };
  return { action: 'deleted', what, why: proof };
}

/** Runs `fn`; a busy answer is retried with doubling delays and finally returned (other errors throw). */
function attempt(
  fn: () => Promise<unknown>,
  opts: SettleOptions,
  retryBusy: boolean,
): Promise<VendorError | undefined> {
  return attemptUnlessBusy(fn, { busy: BUSY, retries: opts.retries, backoffMs: opts.backoffMs, retryBusy });
}

/** A reference for a uuid, or undefined when the pool has no such object (UUID_INVALID). */
async function byUuid(xapi: XapiClient, cls: string, uuid: string): Promise<Ref | undefined> {
  try {
    return await xapi.call<Ref>(`${cls}.get_by_uuid`, uuid);
  } catch (e) {
    if (e instanceof VendorError && (e.code === 'UUID_INVALID' || e.code === 'HANDLE_INVALID')) return undefined;
    throw e;
  }
}
