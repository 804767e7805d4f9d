// Restore of a VCB backup kept in this tool's repository (a fullvm export pulled by vcbBackup, with its manifest):
// the backup folder is uploaded over SFTP into a journalled staging folder on the VCB host (vcbStaging), each file
// checked against the manifest's sha256 on the VCB host right after it landed, then `vcbRestore -s <staging>`
// (guide P.65–68) runs as the restore of a folder on the VCB host does (vcbRestore.ts: -a catalog copy, -b mode); the
// staging folder goes in every case. A cancel or failure before vcbRestore leaves nothing remotely and registers no VM.
import * as fs from 'node:fs';
import { throwIfAborted } from '../../core/errors';
import { JobContext } from '../../core/job';
import { Journal } from '../../core/journal';
import { repositoryOf } from '../../core/catalogRepository';
import { CatalogEntry, VCB_CATALOG } from '../../core/repository';
import { within } from '../../core/safeName';
import { isPlainName } from './vcbFolders';
import { VcbHostSession } from './vcbHostSession';
import { RemoteHasher, remoteSha256 } from './vcbRemoteHash';
import { VcbRestoreOptions, catalogErrors, restoreVm } from './vcbRestore';
import { VcbVmRef } from './vcbRecords';
import { beginStaging, endStaging, sweepVcbLeftovers } from './vcbStaging';

/** vcbRestore's options for a repository backup: those of vcbRestore.ts, and an edited catalog as text. */
export interface VcbRepositoryRestoreOptions extends VcbRestoreOptions {
  /**
   * An edited copy of the backup's catalog (the text of `entry.catalogFile`, changed): validated before anything is
   * uploaded (errors refuse), written into the staging folder (mode 600) and passed as `-a`. Without it and without
   * `catalog` the VM goes back to its original place (the backup's own catalog).
   */
  catalogText?: string;
  /** The repository `entry` belongs to (its journal records the staging folder); default: derived from entry.id. */
  repository?: string;
}

/** The files to upload, checked against the manifest: a VCB backup made by this tool, plain names, sizes as recorded. */
function backupFiles(entry: CatalogEntry): Array<{ name: string; bytes: number; sha256: string; local: string }> {
  const m = entry.manifest;
  if (!m || m.platform !== 'vcb' || m.kind !== 'vm')
    throw new Error(
      `${entry.label}: not a VCB backup made by this tool (${m ? `manifest platform "${m.platform}"` : 'no manifest.json: nothing to verify the upload against'})`,
    );
  const files = m.files.map((f) => {
    if (!isPlainName(f.name) || f.name === 'manifest.json')
      throw new Error(`${entry.label}: the manifest names ${JSON.stringify(f.name)}: not a file of a VCB export`);
    const local = within(entry.dir, f.name);
    const st = fs.statSync(local, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size !== f.bytes)
      throw new Error(
        `${entry.label}: ${f.name} is ${st ? `${st.size} bytes` : 'missing'}, the manifest says ${f.bytes}: verify the backup`,
      );
    return { name: f.name, bytes: f.bytes, sha256: f.sha256, local };
  });
  if (!files.some((f) => f.name === VCB_CATALOG)) throw new Error(`${entry.label}: the backup has no catalog`);
  // The catalog last, as vcbMounter writes it: a folder without it is no backup to vcbRestore.
  return [...files.filter((f) => f.name !== VCB_CATALOG), ...files.filter((f) => f.name === VCB_CATALOG)];
}

/**
 * The text of the catalog of `entry` (a VCB backup of this tool: the `catalog` its manifest lists, size as recorded),
 * for an edited copy. @throws Error as the restore does when the backup is not one to restore.
 */
export function repositoryCatalogText(entry: CatalogEntry): string {
  const catalog = backupFiles(entry).find((f) => f.name === VCB_CATALOG)!;
  return fs.readFileSync(catalog.local, 'utf8');
}

/**
 * Restores `entry` (platform `vcb`) through the VCB host: journalled staging folder, upload with per-file sha256 check on
 * the VCB host (remoteSha256), `vcbRestore -s <staging>/backup [-a <copy>] -b <mode>`, staging folder removed.
 * @throws Error naming connection, host and VM before anything is uploaded (not a VCB backup, files missing or not as
 *   the manifest says, catalog copy with errors); Error on a sha256 mismatch after upload; VcbToolError with vcbRestore's
 *   own message; UnansweredPromptError; CancelledError, IdleTimeoutError.
 */
export async function restoreFromRepository(
  h: VcbHostSession,
  entry: CatalogEntry,
  opts: VcbRepositoryRestoreOptions,
  ctx: JobContext,
): Promise<{ output: string; staging: string }> {
  const source = entry.manifest?.source.vm;
  const vm: VcbVmRef = { name: source?.name ?? entry.vmName ?? entry.label, uuid: source?.uuid, moref: source?.id };
  const files = backupFiles(entry);
  if (opts.catalogText !== undefined) {
    const errors = catalogErrors(opts.catalogText);
    if (errors) throw new Error(`${h.where(vm.name)}: the edited catalog has ${errors}`);
  }
  const journal = new Journal(opts.repository ?? repositoryOf(entry));
  await sweepVcbLeftovers(h, journal, ctx);
  const staging = await beginStaging(h, journal, vm);
  try {
    const dir = `${staging.path}/backup`;
    await h.ssh.sftp((f) => f.mkdir(dir, 0o700));
    await uploadVerified(h, files, dir, vm.name, ctx);
    let catalog = opts.catalog;
    if (opts.catalogText !== undefined) {
      catalog = `${staging.path}/catalog-copy`;
      const text = opts.catalogText;
      await h.ssh.sftp((f) => f.writeText(catalog!, text, 0o600));
    }
    const r = await restoreVm(h, dir, { mode: opts.mode, catalog, answer: opts.answer }, ctx, vm.name);
    return { output: r.output, staging: staging.path };
  } finally {
    await endStaging(h, staging, ctx);
  }
}

/** Uploads each file (SFTP .part, fsync, rename) and checks its sha256 on the VCB host against the manifest. */
async function uploadVerified(
  h: VcbHostSession,
  files: Array<{ name: string; bytes: number; sha256: string; local: string }>,
  dir: string,
  vmName: string,
  ctx: JobContext,
): Promise<void> {
  const total = files.reduce((n, f) => n + f.bytes, 0);
  let before = 0;
  const hasher: RemoteHasher = { sha256sum: true };
  const sftp = await h.ssh.files();
  try {
    for (const f of files) {
      throwIfAborted(ctx.signal);
      const remote = `${dir}/${f.name}`;
      await sftp.upload(f.local, remote, f.bytes, {
        signal: ctx.signal,
        idleMs: h.idleMs(),
        onProgress: (p) =>
          ctx.progress({ bytesDone: before + p.bytesDone, bytesTotal: total, message: `SFTP upload ${f.name}` }),
      });
      const got = await remoteSha256(h, remote, f.bytes, hasher, ctx);
      if (got !== f.sha256)
        throw new Error(
          `${h.where(vmName)}: ${f.name} on the VCB host has sha256 ${got}, the backup's manifest says ${f.sha256}: upload not trusted, nothing restored`,
        );
      before += f.bytes;
      ctx.log(`uploaded ${f.name} (${f.bytes} bytes), sha256 checked on the VCB host`);
    }
  } finally {
    sftp.end();
  }
}
