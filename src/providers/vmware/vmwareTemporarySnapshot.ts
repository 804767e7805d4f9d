// The temporary snapshot every export of a running VM reads through (seeds/acronis-vm-backup-steps.ja.txt: a
// memory-less snapshot, quiesced when VMware Tools run in the guest; removed with consolidation afterwards — also
// when the read failed or was cancelled), journalled as the Xen one is (src/core/journal.ts): the intent — VM moref
// and uuid, the morefs of the VM's snapshots before it, a per-job marker in the name and description
// (vmwareSnapshotMarker.ts) — is on disk before CreateSnapshot_Task, the snapshot's moref as soon as the task returns
// it; so a killed process's snapshot is found by Clean Up (vmwareCleanup.ts) and by the next backup.
import { JobContext, warn } from '../../core/job';
import { Journal, JournalEntry } from '../../core/journal';
import { VimClient } from './vimClient';
import { OWN_SNAPSHOT, settleSnapshot } from './vmwareCleanup';
import { VsphereVm, flattenSnapshots } from './vmwareRecords';
import { journalVm, temporarySnapshotDescription, temporarySnapshotName } from './vmwareSnapshotMarker';
import { createSnapshot } from './vmwareSnapshots';

/** The journal entry of an export's temporary snapshot (beginTemporarySnapshot), written before anything is made. */
export interface ExportJournal {
  journal: Journal;
  /** Its `folder`, when set, is the export's directory: file names are journalled relative to it. */
  entry: JournalEntry;
}

/** What `fn` gets: the snapshot's moref value, its name, and whether it was quiesced. */
export interface TemporarySnapshot {
  id: string;
  name: string;
  quiesced: boolean;
}

/** Writes the intent of a temporary snapshot of `vm` (its current snapshot morefs as `before`): call before anything is made. */
export function beginTemporarySnapshot(journal: Journal, connection: string, vm: VsphereVm): Promise<JournalEntry> {
  return journal.begin(
    { connection, platform: 'vmware', vm: journalVm(vm), before: flattenSnapshots(vm.snapshots).map((s) => s.id) },
    (marker) => temporarySnapshotName(marker),
  );
}

/**
 * CreateSnapshot_Task (no memory; quiesced when asked) under the name and description of the journal entry (state
 * `intent`), then records its moref (state `created`).
 */
export async function takeTemporarySnapshot(
  client: VimClient,
  journal: Journal,
  entry: JournalEntry,
  quiesce: boolean,
  ctx: JobContext,
): Promise<string> {
  if (!entry.name) throw new Error('journal entry without a snapshot name');
  ctx.log(`temporary snapshot "${entry.name}" (no memory, quiesce ${quiesce})`);
  const id = await createSnapshot(
    client,
    entry.vm.id,
    { name: entry.name, description: temporarySnapshotDescription(entry.marker), memory: false, quiesce },
    { signal: ctx.signal },
  );
  await journal.update(entry, { state: 'created', created: { id, uuid: id } });
  return id;
}

/**
 * Takes the temporary snapshot `job.entry` announced (of its VM; `quiesce`: VMware Tools run in the running guest),
 * runs `fn`, and removes the snapshot in every case (not tied to ctx.signal: a cancelled job must still remove it) —
 * confirmed first, as Clean Up does (settleSnapshot). One that cannot be removed is a warning and stays in the journal
 * for Clean Up; the caller completes the entry.
 */
export async function withTemporarySnapshot<T>(
  client: VimClient,
  job: ExportJournal,
  quiesce: boolean,
  ctx: JobContext,
  fn: (snapshot: TemporarySnapshot) => Promise<T>,
): Promise<T> {
  const name = job.entry.name ?? '';
  try {
    const id = await takeTemporarySnapshot(client, job.journal, job.entry, quiesce, ctx);
    return await fn({ id, name, quiesced: quiesce });
  } finally {
    ctx.log(`removing the temporary snapshot "${name}" (consolidate)`);
    try {
      for (const i of await settleSnapshot(client, job.journal, job.entry, OWN_SNAPSHOT))
        if (i.action !== 'deleted') warn(ctx, `${i.what} is left for Clean Up: ${i.why}`);
    } catch (e) {
      warn(
        ctx,
        `the temporary snapshot "${name}" could not be removed (${(e as Error).message}): journal entry ${job.entry.id} keeps it for Clean Up`,
      );
    }
  }
}
