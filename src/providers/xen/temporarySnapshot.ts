// The temporary snapshot of a backup, journalled: intent before VM.snapshot, its uuid as soon as it exists.
import { JobContext } from '../../core/job';
import { Journal, JournalEntry } from '../../core/journal';
import { TOOL } from '../../core/manifest';
import { Ref, XapiClient } from './xapiClient';
import { MADE_BY_TAG, TEMP_TAG, XenVm } from './xenRecords';
import { setOtherConfigKey } from './toolKeys';

/** The name of a temporary snapshot: it carries the job's marker, its only trace if the process dies before VM.snapshot answers. */
export function temporarySnapshotName(marker: string, when = new Date()): string {
  return `vmbackup-temp ${when.toISOString()} ${marker}`;
}

/** Uuids of a VM's snapshots now (the journal's `before`: none of them can be the job's own). */
export async function snapshotUuids(xapi: XapiClient, vm: XenVm): Promise<string[]> {
  const uuids: string[] = [];
  for (const s of vm.snapshots ?? []) uuids.push(await xapi.call<string>('VM.get_uuid', s));
  return uuids;
}

/**
 * Takes the snapshot the journal entry (state `intent`, written by the caller) announced, then records its uuid.
 * The caller runs this inside the try whose finally settles the entry (settleEntry): whatever fails after
 * VM.snapshot returned — the record, the tags — the snapshot is still destroyed. Tags are informative only (cleanup
 * never trusts them) and set idempotently: a VM that already carries them passes them to its snapshot.
 */
export async function takeTemporarySnapshot(
  xapi: XapiClient,
  journal: Journal,
  entry: JournalEntry,
  ctx: JobContext,
): Promise<Ref> {
  if (!entry.name) throw new Error('journal entry without a snapshot name');
  const [ref] = await xapi.callAsync('VM.snapshot', [entry.vm.id, entry.name], ctx.signal, (f) =>
    ctx.progress({ bytesDone: 0, fraction: f, message: 'snapshot' }),
  );
  const uuid = await xapi.call<string>('VM.get_uuid', ref);
  await journal.update(entry, { state: 'created', created: { id: ref, uuid } });
  await setOtherConfigKey(xapi, 'VM', ref, MADE_BY_TAG, TOOL.name);
  await setOtherConfigKey(xapi, 'VM', ref, TEMP_TAG, 'true');
  ctx.log(`temporary snapshot ${entry.name} (${uuid}) created`);
  return ref;
}
