// Settles the journal entry of an OVA backup (ovmOvaExport.ts): its Manager export job aborted while it still runs,
// the virtual appliance named for the entry's marker deleted through the Manager CLI, the job's folder leftovers
// removed. Used by the backup itself (in its finally) and by Clean Up after a killed backup.
import { CleanupItem } from '../../core/cleanupReport';
import { cleanJobFolder } from '../../core/jobFolder';
import { Journal, JournalEntry } from '../../core/journal';
import { ManagerCliAccess } from './manager/managerCli';
import { applianceName, deleteApplianceCli } from './ovmApplianceCli';
import { OvmClient, idSegment } from './ovmClient';
import { listJobs } from './ovmInventory';
import { OvmJob, parseJob } from './ovmRecords';

/** An entry is an OVA backup's when its name is the appliance name of its marker. */
export function isApplianceEntry(entry: JournalEntry): boolean {
  return entry.name === applianceName(entry.marker);
}

/**
 * The entry's export job (recorded, else a job whose name holds the appliance name that started after the intent) is
 * aborted while it runs (`PUT Job/{id}/abort`, then waited for); while it still runs nothing else is done (skipped:
 * the next cleanup). Then the appliance the Manager lists under exactly the entry's name is deleted (`delete
 * VirtualAppliance id=…`), then the folder leftovers (cleanJobFolder). Without the Manager CLI the appliance is
 * reported as skipped. The entry is completed when nothing is left, else marked `leftover`.
 */
export async function settleApplianceEntry(
  c: OvmClient,
  cli: ManagerCliAccess | undefined,
  journal: Journal,
  entry: JournalEntry,
  others: JournalEntry[],
  dryRun: boolean,
): Promise<CleanupItem[]> {
  const name = entry.name ?? applianceName(entry.marker);
  const why = `journal entry ${entry.id} (${entry.state}, job of ${entry.intentAt} on VM "${entry.vm.name}")`;
  const items: CleanupItem[] = [];
  let left = false;
  let job: OvmJob | undefined = entry.job
    ? parseJob(await c.get(`Job/${idSegment(entry.job)}`), `Job ${entry.job}`)
    : (await listJobs(c)).find(
        (j) => j.name.includes(name) && (j.startTime ?? Infinity) >= Date.parse(entry.intentAt) - 60_000,
      );
  if (job && !job.summaryDone && !dryRun) {
    await c.abortJob(job);
    job = parseJob(await c.get(`Job/${idSegment(job.id.value)}`), `Job ${job.id.value}`);
  }
  if (job && !job.summaryDone) {
    items.push({
      action: 'skipped',
      what: `Manager job "${job.name}" (${job.id.value})`,
      why: `${why}; the export job is still ${job.jobRunState}${dryRun ? ' (cleanup would abort it)' : ' after its abort'}: left for the next cleanup`,
    });
    left = true;
  }
  if (!left) {
    const what = `virtual appliance "${name}"`;
    if (!cli) {
      items.push({
        action: 'skipped',
        what,
        why: `${why}; deleting it needs the Manager CLI (managerHost.cliPort and cliHostKey of the connection)`,
      });
      left = true;
    } else {
      try {
        const a = await deleteApplianceCli(cli, name, c.context, { dryRun });
        if (a)
          items.push({
            action: dryRun ? 'would delete' : 'deleted',
            what: `${what} (${a.id})`,
            why: `${why}; named for that entry's marker before the export was asked for`,
          });
      } catch (e) {
        items.push({ action: 'skipped', what, why: `${why}; ${(e as Error).message}: left for the next cleanup` });
        left = true;
      }
    }
  }
  items.push(...(await cleanJobFolder(journal.repository, entry, others, dryRun)));
  if (dryRun) return items;
  if (left) await journal.update(entry, { state: 'leftover' });
  else await journal.complete(entry);
  return items;
}
