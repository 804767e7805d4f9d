// Deletes what an Oracle VM backup's journal entry names and the Manager confirms: the clone its recorded Manager job
// made, that clone's virtual disks, the clone customizer named for the entry's marker, and the job's folder leftovers. Never the journalled VM itself, never a VM that
// existed before the job, never a disk still mapped into another VM.
import { CleanupItem } from '../../core/cleanupReport';
import { cleanJobFolder } from '../../core/jobFolder';
import { Journal, JournalEntry, JournalObject } from '../../core/journal';
import { sweepJournal } from '../../core/journalSweep';
import { ManagerCliAccess } from './manager/managerCli';
import { isApplianceEntry, settleApplianceEntry } from './ovmApplianceCleanup';
import { OvmClient, idSegment } from './ovmClient';
import { deleteCloneCustomizer, findCloneCustomizers } from './ovmCloneCustomizer';
import { listVmDiskMappings } from './ovmInventory';
import { listOf, parseJob, parseVirtualDisk, parseVm, simpleId } from './ovmRecords';
import { deleteVirtualDisk, deleteVm } from './ovmVmActions';
import { RestoreCleanupEnv, settleRestoreEntry } from './ovmRestoreCleanup';

/** The journal's `name` of an entry whose job clones a VM: the Manager's job name for it (informative only). */
export function cloneJobName(vmName: string): string {
  return `Clone Vm: ${vmName}`;
}

/** The ids the Manager has now of a type (`GET /{Type}/id`, vmapi-rest-uri-mapping): membership without relying on a 404's body. */
async function idsOf(c: OvmClient, type: 'Vm' | 'VirtualDisk'): Promise<Set<string>> {
  return new Set(listOf(await c.get(`${type}/id`), `${type} id list`, simpleId).map((s) => s.value));
}

/**
 * Settles one entry: finds the clone (recorded, else the `resultId` of its recorded Manager job, aborted first when
 * still running), deletes it and then each of its virtual disks that is no longer mapped into any VM, then the clone
 * customizer on the backed-up VM named for the entry's marker (customizerName), then the job's folder leftovers
 * (cleanJobFolder). The disks are recorded before anything is deleted. What could not go stays in the
 * entry (state `leftover`); when nothing is left the entry is completed. `others`: every entry of the journal.
 */
export async function settleCloneEntry(
  c: OvmClient,
  journal: Journal,
  entry: JournalEntry,
  others: JournalEntry[],
  dryRun: boolean,
): Promise<CleanupItem[]> {
  const why = `journal entry ${entry.id} (${entry.state}, job of ${entry.intentAt} on VM "${entry.vm.name}")`;
  const act = dryRun ? 'would delete' : 'deleted';
  const items: CleanupItem[] = [];
  let cloneId = entry.created?.id;
  let left = false;
  if (!cloneId && entry.job) {
    let job = parseJob(await c.get(`Job/${idSegment(entry.job)}`), `Job ${entry.job}`);
    if (!job.summaryDone && !dryRun) {
      await c.abortJob(job);
      job = parseJob(await c.get(`Job/${idSegment(entry.job)}`), `Job ${entry.job}`);
    }
    if (!job.summaryDone) {
      items.push({
        action: 'skipped',
        what: `Manager job "${job.name}" (${entry.job})`,
        why: `${why}; the clone job is still ${job.jobRunState}${dryRun ? ' (cleanup would abort it)' : ' after its abort'}: left for the next cleanup`,
      });
      left = true;
    } else if (job.jobRunState === 'SUCCESS' && job.resultId) cloneId = job.resultId.value;
  } else if (!cloneId && entry.name && entry.state === 'intent') {
    items.push({
      action: 'kept',
      what: `a clone of VM "${entry.vm.name}"`,
      why: `${why}; the process stopped before the Manager answered the clone request, so no job was recorded: look in the Manager's Jobs for "${entry.name}" after ${entry.intentAt}`,
    });
  }
  let disks: JournalObject[] = [...entry.disks];
  /** The clone's own mappings: a disk mapped only by them is not in use by anything else. */
  const ownMappings = new Set<string>();
  if (cloneId && (cloneId === entry.vm.id || entry.before.includes(cloneId))) {
    items.push({
      action: 'kept',
      what: `VM ${cloneId}`,
      why: `${why} names it, but it is the backed-up VM or existed before the job: not ours`,
    });
    cloneId = undefined;
    disks = [];
  }
  if (cloneId && (await idsOf(c, 'Vm')).has(cloneId)) {
    const clone = parseVm(await c.get(`Vm/${idSegment(cloneId)}`));
    for (const m of await listVmDiskMappings(c, cloneId)) {
      ownMappings.add(m.id.value);
      if (m.virtualDiskId && !disks.some((d) => d.id === m.virtualDiskId!.value))
        disks.push({ id: m.virtualDiskId.value, uuid: m.virtualDiskId.value });
    }
    const what = `clone "${clone.name}" (${cloneId})`;
    const proof = `${why}; the Manager's clone job of that entry created it`;
    if (!dryRun) {
      await journal.update(entry, { state: 'deleting', created: { id: cloneId, uuid: cloneId }, disks });
      try {
        await deleteVm(c, clone, { idleMs: 600_000 });
      } catch (e) {
        items.push({ action: 'skipped', what, why: `${proof}; ${(e as Error).message}: left for the next cleanup` });
        left = true;
      }
    }
    if (!left) items.push({ action: act, what, why: proof });
  }
  const diskLeft: JournalObject[] = [];
  if (!left && disks.length) {
    const existing = await idsOf(c, 'VirtualDisk');
    for (const d of disks) {
      if (!existing.has(d.id)) continue;
      const disk = parseVirtualDisk(await c.get(`VirtualDisk/${idSegment(d.id)}`));
      const what = `virtual disk "${disk.name}" (${d.id})`;
      if (disk.vmDiskMappingIds.some((m) => !ownMappings.has(m.value))) {
        items.push({ action: 'kept', what, why: `${why} names it, but it is mapped into a VM: in use` });
        continue;
      }
      if (!disk.repositoryId) continue;
      const proof = `${why}; a disk of the clone it made`;
      if (dryRun) {
        items.push({ action: act, what, why: proof });
        continue;
      }
      try {
        await deleteVirtualDisk(c, disk.repositoryId.value, d.id, { idleMs: 600_000 });
        items.push({ action: act, what, why: proof });
      } catch (e) {
        items.push({ action: 'skipped', what, why: `${proof}; ${(e as Error).message}: left for the next cleanup` });
        diskLeft.push(d);
      }
    }
  }
  let customizerLeft = false;
  if (!left) {
    for (const d of await findCloneCustomizers(c, entry.marker, entry.vm.id)) {
      const what = `clone customizer "${d.name}" (${d.id.value}) of VM "${entry.vm.name}"`;
      const proof = `${why}; named for that entry's marker before it was made`;
      if (dryRun) {
        items.push({ action: act, what, why: proof });
        continue;
      }
      try {
        await deleteCloneCustomizer(c, entry.vm.id, d.id.value, { idleMs: 600_000 });
        items.push({ action: act, what, why: proof });
      } catch (e) {
        items.push({ action: 'skipped', what, why: `${proof}; ${(e as Error).message}: left for the next cleanup` });
        customizerLeft = true;
      }
    }
  }
  items.push(...(await cleanJobFolder(journal.repository, entry, others, dryRun)));
  if (dryRun) return items;
  if (left || diskLeft.length || customizerLeft)
    await journal.update(entry, { state: 'leftover', disks: left ? disks : diskLeft });
  else await journal.complete(entry);
  return items;
}

/**
 * Cleanup of a connection's Oracle VM entries: every abandoned one is settled — a backup's (its clone) by
 * settleCloneEntry, an OVA backup's (its appliance, through the Manager CLI `cli`) by
 * ovmApplianceCleanup.settleApplianceEntry, a restore's (JournalEntry.restore: its files and the VM imported from
 * them) by settleRestoreEntry with `restore`'s access; entries of running jobs are reported and left alone; a failure
 * on one entry does not stop the others.
 */
export async function cleanupOvmJournal(
  restore: RestoreCleanupEnv,
  cli: ManagerCliAccess | undefined,
  journal: Journal,
  dryRun: boolean,
): Promise<CleanupItem[]> {
  return sweepJournal(journal, restore.connection, 'oraclevm', dryRun, (e, entries) =>
    e.restore
      ? settleRestoreEntry(restore, journal, e, dryRun)
      : isApplianceEntry(e)
        ? settleApplianceEntry(restore.client, cli, journal, e, entries, dryRun)
        : settleCloneEntry(restore.client, journal, e, entries, dryRun),
  );
}
