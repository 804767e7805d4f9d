// Folders on the VCB host: what an export folder holds, its size while a tool writes it, and the tidy-up after a
// failed or cancelled run.
import { JobContext } from '../../core/job';
import { VCB_CATALOG } from '../../core/repository';
import { VcbHostSession } from './vcbHostSession';
import { cleanupArgs } from './vcbWire';

/** File names a remote listing may hand us: one path element, no NUL, not `.`/`..` (listings are hostile too). */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\0]/.test(name);
}

/** Bytes of the regular files in a folder (one level), undefined while it does not exist. */
export async function folderBytes(h: VcbHostSession, dir: string): Promise<number | undefined> {
  const rows = await h.ssh.sftp((f) => f.list(dir));
  return rows?.filter((r) => !r.isDirectory).reduce((n, r) => n + r.size, 0);
}

/**
 * The files of a finished export folder (regular files, plain names). @throws when it holds no `catalog` (vcbMounter
 * writes one per backup, P.65): without it vcbRestore cannot use the folder.
 */
export async function listExport(
  h: VcbHostSession,
  dir: string,
  vm: string,
): Promise<Array<{ name: string; bytes: number }>> {
  const rows = (await h.ssh.sftp((f) => f.list(dir))) ?? [];
  const files = rows.filter((r) => !r.isDirectory && isPlainName(r.name)).map((r) => ({ name: r.name, bytes: r.size }));
  if (!files.some((f) => f.name === VCB_CATALOG))
    throw new Error(`${h.where(vm)}: vcbMounter finished but ${dir} holds no catalog`);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * After a failed or cancelled tool run: the guide's cleanup (`vcbCleanup -y`, P.47–48: a cancelled backup may leave
 * the VM mounted and its snapshot), then the folder this job asked the tool to create, if any. Runs on its own
 * signal (the job's may be aborted); what it cannot do is logged, never thrown over the original error. A folder the
 * tool never made is neither removed nor reported.
 */
export async function afterFailedRun(
  h: VcbHostSession,
  ctx: JobContext,
  vm: string | undefined,
  ownFolder: string | undefined,
): Promise<void> {
  const cleanupCtx: JobContext = { ...ctx, signal: AbortSignal.timeout(Math.max(h.idleMs(), 120_000)) };
  try {
    await h.run(cleanupArgs(), cleanupCtx, vm);
    ctx.log("vcbCleanup -y ran (the guide's cleanup after a failed or cancelled backup)");
  } catch (e) {
    ctx.log(`vcbCleanup -y failed: ${(e as Error).message}`);
  }
  if (ownFolder) {
    try {
      // The job checked that the folder did not exist before the run: if it exists now the tool made it. A tool that
      // failed before making it (e.g. its parent directory does not exist) left nothing to remove or report.
      if (!(await h.ssh.sftp((f) => f.stat(ownFolder)))) return;
      await h.removeOwnFolder(ownFolder);
      ctx.log(`removed the unfinished export folder ${ownFolder}`);
    } catch (e) {
      ctx.log(`could not remove ${ownFolder}: ${(e as Error).message}`);
    }
  }
}
