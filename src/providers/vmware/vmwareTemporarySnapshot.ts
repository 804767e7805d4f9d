// The temporary snapshot every export of a running VM reads through (seeds/acronis-vm-backup-steps.ja.txt: a
// memory-less snapshot, quiesced when VMware Tools run in the guest; removed with consolidation afterwards — also
// when the read failed or was cancelled). Named and described so Clean Up recognises it (isTemporarySnapshot).
import { JobContext } from '../../core/job';
import { TEMPORARY_DESCRIPTION, TEMPORARY_PREFIX } from './vmwareRecords';
import { createSnapshot, removeSnapshot } from './vmwareSnapshots';
import { VimClient } from './vimClient';

/** What `fn` gets: the snapshot's moref value, its name, and whether it was quiesced. */
export interface TemporarySnapshot {
  id: string;
  name: string;
  quiesced: boolean;
}

/**
 * Creates the temporary snapshot of `vmId` (`quiesce`: VMware Tools run in the running guest), runs `fn`, and removes
 * the snapshot with consolidation in every case (not tied to ctx.signal: a cancelled job must still remove it). A
 * snapshot that cannot be removed is reported — the error names it — unless `fn` failed first (its error wins, the
 * removal failure is logged).
 */
export async function withTemporarySnapshot<T>(
  client: VimClient,
  vmId: string,
  quiesce: boolean,
  ctx: JobContext,
  fn: (snapshot: TemporarySnapshot) => Promise<T>,
): Promise<T> {
  const name = `${TEMPORARY_PREFIX}${new Date().toISOString()}`;
  ctx.log(`temporary snapshot "${name}" (no memory, quiesce ${quiesce})`);
  const id = await createSnapshot(
    client,
    vmId,
    { name, description: TEMPORARY_DESCRIPTION, memory: false, quiesce },
    { signal: ctx.signal },
  );
  let failure: unknown;
  try {
    return await fn({ id, name, quiesced: quiesce });
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    ctx.log(`removing the temporary snapshot "${name}" (consolidate)`);
    await removeSnapshot(client, id, { removeChildren: false, consolidate: true }).catch((err: unknown) => {
      ctx.log(`the temporary snapshot "${name}" (${id}) could not be removed: ${(err as Error).message}`);
      if (!failure) throw err;
    });
  }
}
