// vcbMounter -t fullvm (guide P.60–63): to a folder on the VCB host, to another host by scp://, or through a staging
// folder on the VCB host into this tool's repository over SFTP (sha256 while streaming, fsync, rename, manifest); the
// staging folder is journalled (vcbStaging.ts), so a killed run's is removed by Clean Up or the next run.
// Progress is what the destination holds (file sizes over SFTP): vcbMounter's own output is not documented.
// Failure or cancel: the tool's process group is killed, the guide's cleanup runs (vcbCleanup -y, P.47 バックアップ
// ジョブのキャンセル), and the export folder this job asked for is removed: nothing that looks complete is left.
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { BackupRepository, VCB_CATALOG } from '../../core/repository';
import { Manifest, TOOL } from '../../core/manifest';
import { removeIfUnfinished } from '../../core/unfinishedBackup';
import { WrittenFile } from '../../core/verifiedWrite';
import { Journal } from '../../core/journal';
import { VcbHostSession } from './vcbHostSession';
import { VcbStaging, beginStaging, endStaging, sweepVcbLeftovers } from './vcbStaging';
import { VcbDestination, VcbVmRef } from './vcbRecords';
import { mounterArgs, searchSpec } from './vcbWire';
import { afterFailedRun, folderBytes, listExport } from './vcbFolders';

/** A finished fullvm backup: where it is, and for the repository the catalog entry's folder and the files' digests. */
export interface VcbBackupResult {
  destination: VcbDestination;
  /** The export folder on the VCB host (folder destination). */
  remoteDir?: string;
  /** The repository folder (repository destination). */
  localDir?: string;
  files: Array<{ name: string; bytes: number; sha256?: string }>;
}

/**
 * Backs up one VM with vcbMounter -t fullvm. A folder destination must not exist yet (its parent must: P.63), so the
 * tool's PREEXISTING_MOUNTPOINT=delete never removes a folder this job did not ask for.
 * @throws Error naming connection, host and VM (the tool's own error line verbatim in VcbToolError).
 */
export async function backupFullVm(
  h: VcbHostSession,
  vm: VcbVmRef,
  dest: VcbDestination,
  ctx: JobContext,
): Promise<VcbBackupResult> {
  const spec = searchSpec(vm, h.host.searchBy ?? 'uuid');
  const transport = h.host.transport ?? 'nbd';
  if (dest.kind === 'scp') {
    await h.run(mounterArgs(spec, dest.url, 'fullvm', transport), ctx, vm.name).catch(async (e) => {
      await afterFailedRun(h, ctx, vm.name, undefined);
      throw e;
    });
    return { destination: dest, files: [] };
  }
  if (dest.kind === 'repository') return backupIntoRepository(h, vm, spec, transport, dest, ctx);
  const remoteDir = dest.path;
  if (!remoteDir.startsWith('/')) throw new Error(`${h.where(vm.name)}: the destination must be an absolute path`);
  if (await h.ssh.sftp((f) => f.stat(remoteDir)))
    throw new Error(`${h.where(vm.name)}: ${remoteDir} already exists: choose a new folder (vcbMounter creates it)`);
  await runMounter(h, vm, spec, transport, remoteDir, ctx, remoteDir);
  return { destination: dest, remoteDir, files: await listExport(h, remoteDir, vm.name) };
}

/**
 * vcbMounter -t fullvm into `remoteDir` (which it creates), progress from the folder's size. Failure or cancel: the
 * guide's cleanup and removal of `ownFolder` (afterFailedRun), then the error.
 */
async function runMounter(
  h: VcbHostSession,
  vm: VcbVmRef,
  spec: string,
  transport: string,
  remoteDir: string,
  ctx: JobContext,
  ownFolder: string | undefined,
): Promise<void> {
  ctx.log(`vcbMounter -a ${spec} -r ${remoteDir} -t fullvm -m ${transport}`);
  try {
    await h.run(mounterArgs(spec, remoteDir, 'fullvm', transport), ctx, vm.name, {
      progress: async () => {
        const bytes = await folderBytes(h, remoteDir);
        if (bytes !== undefined) ctx.progress({ bytesDone: bytes, message: `vcbMounter: ${remoteDir}` });
        return bytes;
      },
    });
  } catch (e) {
    await afterFailedRun(h, ctx, vm.name, ownFolder);
    throw e;
  }
}

/**
 * Into the repository: what killed runs left is swept first (sweepVcbLeftovers); a journalled staging folder on the VCB
 * host (vcbStaging) receives the export (`<staging>/export`, made by vcbMounter: its parent exists, P.63), which is
 * pulled into a new repository folder (recorded in the same entry before its mkdir, each file before it is written);
 * the staging folder goes in every case, the repository folder unless the backup is complete.
 */
async function backupIntoRepository(
  h: VcbHostSession,
  vm: VcbVmRef,
  spec: string,
  transport: string,
  dest: { kind: 'repository'; repository: string },
  ctx: JobContext,
): Promise<VcbBackupResult> {
  const journal = new Journal(dest.repository);
  await sweepVcbLeftovers(h, journal, ctx);
  const staging = await beginStaging(h, journal, vm);
  try {
    const remoteDir = `${staging.path}/export`;
    await runMounter(h, vm, spec, transport, remoteDir, ctx, undefined);
    const files = await listExport(h, remoteDir, vm.name);
    const local = await pullIntoRepository(h, vm, remoteDir, files, dest.repository, staging, ctx);
    return { destination: dest, localDir: local.dir, files: local.files };
  } finally {
    await endStaging(h, staging, ctx);
  }
}

/**
 * Downloads the export's files into a new repository folder (recorded in the job's journal entry before its mkdir, with
 * the names it will hold), then writes manifest.json (platform `vcb`).
 */
async function pullIntoRepository(
  h: VcbHostSession,
  vm: VcbVmRef,
  remoteDir: string,
  files: Array<{ name: string; bytes: number }>,
  repository: string,
  { journal, entry }: VcbStaging,
  ctx: JobContext,
): Promise<{ dir: string; files: WrittenFile[] & Array<{ name: string; bytes: number; sha256: string }> }> {
  const repo = new BackupRepository(repository);
  const dir = await repo.reserveBackupDir(vm.name, 'vm', async (d) => {
    await journal.update(entry, { folder: d, folderMade: false, files: [] });
  });
  await journal.update(entry, { folderMade: true, files: files.map((f) => f.name) });
  return removeIfUnfinished(dir, async () => {
    const total = files.reduce((n, f) => n + f.bytes, 0);
    let before = 0;
    const written: Array<WrittenFile & { name: string }> = [];
    // The catalog last: the repository lists a folder holding `catalog` and a .vmx as a VCB backup, so a process
    // killed mid-pull (no manifest yet) must not leave one that looks complete.
    const ordered = [...files.filter((f) => f.name !== VCB_CATALOG), ...files.filter((f) => f.name === VCB_CATALOG)];
    for (const f of ordered) {
      const w = await h.ssh.download(`${remoteDir}/${f.name}`, path.join(dir, f.name), {
        signal: ctx.signal,
        idleMs: h.idleMs(),
        onProgress: (p) =>
          ctx.progress({ bytesDone: before + p.bytesDone, bytesTotal: total, message: `SFTP ${f.name}` }),
      });
      before += w.bytes;
      written.push({ ...w, name: f.name });
    }
    const manifest: Manifest = {
      format: 'vmbackup-manifest/1',
      kind: 'vm',
      platform: 'vcb',
      created: new Date().toISOString(),
      tool: TOOL,
      source: {
        connection: h.profile.name,
        host: { id: h.host.host, name: h.host.host },
        vm: { uuid: vm.uuid ?? '', name: vm.name, id: vm.moref },
      },
      viaSnapshot: true,
      files: written.map((w) => ({ name: w.name, bytes: w.bytes, sha256: w.sha256 })),
    };
    repo.writeManifest(dir, manifest);
    if (!written.some((w) => w.name === VCB_CATALOG)) throw new Error(`${h.where(vm.name)}: the export has no catalog`);
    return { dir, files: written.map((w) => ({ ...w, name: w.name })) };
  });
}
