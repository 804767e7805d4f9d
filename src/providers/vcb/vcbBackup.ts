// vcbMounter -t fullvm (guide P.60–63): to a folder on the VCB host, to another host by scp://, or through a staging
// folder on the VCB host into this tool's repository over SFTP (sha256 while streaming, fsync, rename, manifest).
// Progress is what the destination holds (file sizes over SFTP): vcbMounter's own output is not documented.
// Failure or cancel: the tool's process group is killed, the guide's cleanup runs (vcbCleanup -y, P.47 バックアップ
// ジョブのキャンセル), and the export folder this job asked for is removed: nothing that looks complete is left.
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { BackupRepository, VCB_CATALOG } from '../../core/repository';
import { Manifest, TOOL } from '../../core/manifest';
import { removeIfUnfinished } from '../../core/unfinishedBackup';
import { WrittenFile } from '../../core/verifiedWrite';
import { VcbHostSession } from './vcbHostSession';
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
  const remoteDir = dest.kind === 'folder' ? dest.path : h.stagingPath(`vmbackup-export`);
  if (!remoteDir.startsWith('/')) throw new Error(`${h.where(vm.name)}: the destination must be an absolute path`);
  if (await h.ssh.sftp((f) => f.stat(remoteDir)))
    throw new Error(`${h.where(vm.name)}: ${remoteDir} already exists: choose a new folder (vcbMounter creates it)`);
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
    await afterFailedRun(h, ctx, vm.name, remoteDir);
    throw e;
  }
  const files = await listExport(h, remoteDir, vm.name);
  if (dest.kind === 'folder') return { destination: dest, remoteDir, files };
  try {
    const local = await pullIntoRepository(h, vm, remoteDir, files, dest.repository, ctx);
    return { destination: dest, localDir: local.dir, files: local.files };
  } finally {
    await h.removeOwnFolder(remoteDir).catch((e: Error) => ctx.log(`staging folder ${remoteDir} left: ${e.message}`));
  }
}

/** Downloads the export's files into a new repository folder, then writes manifest.json (platform `vcb`). */
async function pullIntoRepository(
  h: VcbHostSession,
  vm: VcbVmRef,
  remoteDir: string,
  files: Array<{ name: string; bytes: number }>,
  repository: string,
  ctx: JobContext,
): Promise<{ dir: string; files: WrittenFile[] & Array<{ name: string; bytes: number; sha256: string }> }> {
  const repo = new BackupRepository(repository);
  const dir = repo.newBackupDir(vm.name, 'vm');
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
