// Cleanup's walk over a repository's journal, the same for every platform: unreadable entries kept, dead half-writes
// removed, entries of jobs still running left alone, every abandoned entry of the connection settled by the platform.
import { CleanupItem, cleanupLine } from './cleanupReport';
import { JobContext, warn } from './job';
import { Journal, JournalEntry, isAbandoned } from './journal';

/**
 * Settles each abandoned entry of `connection` on `platform` with `settle(entry, allEntries)`; one item per object. A
 * failure on one entry becomes a `skipped` item naming it and does not stop the others.
 */
export async function sweepJournal(
  journal: Journal,
  connection: string,
  platform: string,
  dryRun: boolean,
  settle: (entry: JournalEntry, entries: JournalEntry[]) => Promise<CleanupItem[]>,
): Promise<CleanupItem[]> {
  const { entries, unreadable } = journal.list();
  const items: CleanupItem[] = unreadable.map((n) => ({
    action: 'kept',
    what: `journal file ${n}`,
    why: 'unreadable: nothing is deleted on its word',
  }));
  for (const f of await journal.removeDeadWrites(dryRun))
    items.push({
      action: dryRun ? 'would delete' : 'deleted',
      what: `file ${f}`,
      why: 'a journal write its process never finished (the process is gone)',
    });
  for (const e of entries.filter((x) => x.connection === connection && x.platform === platform)) {
    if (!isAbandoned(e)) {
      items.push({
        action: 'kept',
        what: `journal entry ${e.id}`,
        why: `its job (process ${e.owner.pid} on ${e.owner.host}) is still running`,
      });
      continue;
    }
    try {
      items.push(...(await settle(e, entries)));
    } catch (err) {
      items.push({
        action: 'skipped',
        what: `journal entry ${e.id} (VM "${e.vm.name}")`,
        why: `${(err as Error).message}: left for the next cleanup`,
      });
    }
  }
  return items;
}

/**
 * A job's own entry, in its finally: `settle()` deletes what the entry names; what could not go becomes a warning (the
 * job succeeds with warnings) and stays in the journal for Clean Up; the entry is released in every case.
 */
export async function settleOwnEntry(
  journal: Journal,
  entry: JournalEntry,
  ctx: JobContext,
  settle: () => Promise<CleanupItem[]>,
): Promise<void> {
  try {
    for (const i of await settle()) {
      if (i.action === 'skipped') warn(ctx, `${i.what} is left for Clean Up: ${i.why}`);
      // The job's own temporary objects, removed as planned: one short line each (the why — journal entry, the
      // platform's confirmation — is Clean Up's wording for what an earlier run left). Anything else (kept: not proven
      // the job's) keeps Clean Up's line, which says what was done and why.
      else ctx.log(i.action === 'deleted' ? `removed ${i.what}` : cleanupLine(i));
    }
  } catch (e) {
    warn(
      ctx,
      `the temporary snapshot could not be deleted (${(e as Error).message}): journal entry ${entry.id} keeps it for Clean Up`,
    );
  } finally {
    journal.release(entry);
  }
}
