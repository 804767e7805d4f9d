// File-level backup mode (vcbMounter -t file): the VM's volumes mounted on the VCB host, browsed read-only over SFTP,
// then unmounted (vcbMounter -U, the lab's option: *assumed*). The mount layout `<mount>/letters/<C,D…>` is the
// Windows proxy's (platform-facts §4d) and also *assumed* for the service console: browsing works on any layout.
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { WrittenFile } from '../../core/verifiedWrite';
import { RemoteEntry } from '../../transport/sftpFiles';
import { VcbHostSession } from './vcbHostSession';
import { VcbVmRef } from './vcbRecords';
import { mounterArgs, searchSpec, unmountArgs } from './vcbWire';
import { afterFailedRun } from './vcbFolders';

/** A mounted VM: list and read inside the mount point only (paths are relative, `..` cannot leave it); no writes. */
export interface VcbMount {
  mountPoint: string;
  vmName: string;
  /** Entries of a folder inside the mount ('' = the mount point). */
  list(rel: string): Promise<RemoteEntry[]>;
  /** A small file's text (at most `maxBytes`, default 1 MiB). */
  readText(rel: string, maxBytes?: number): Promise<string>;
  /** Copies one file to this machine (.part, sha256, fsync, rename). */
  download(rel: string, localPath: string, ctx: JobContext): Promise<WrittenFile>;
  unmount(ctx: JobContext): Promise<void>;
}

/** Resolves a path inside the mount. @throws when it holds a `..` segment (even one that stays inside) or a NUL. */
export function insideMount(mountPoint: string, rel: string): string {
  if (rel.includes('\0')) throw new Error('a path cannot hold a NUL byte');
  const parts = rel.replace(/\\/g, '/').split('/');
  if (parts.includes('..')) throw new Error(`${JSON.stringify(rel)} leaves the mount point`);
  const norm = path.posix.normalize('/' + parts.join('/'));
  return norm === '/' ? mountPoint : mountPoint + norm;
}

/** vcbMounter -t file into a fresh folder under the staging root; on failure the guide's cleanup runs. */
export async function mountVm(h: VcbHostSession, vm: VcbVmRef, ctx: JobContext): Promise<VcbMount> {
  const spec = searchSpec(vm, h.host.searchBy ?? 'uuid');
  const mountPoint = h.stagingPath('vmbackup-mount');
  try {
    await h.run(mounterArgs(spec, mountPoint, 'file', h.host.transport ?? 'nbd'), ctx, vm.name);
  } catch (e) {
    await afterFailedRun(h, ctx, vm.name, undefined);
    throw e;
  }
  let mounted = true;
  const live = () => {
    if (!mounted) throw new Error(`${h.where(vm.name)}: ${mountPoint} was unmounted`);
  };
  return {
    mountPoint,
    vmName: vm.name,
    async list(rel) {
      live();
      const rows = await h.ssh.sftp((f) => f.list(insideMount(mountPoint, rel)));
      if (!rows) throw new Error(`${h.where(vm.name)}: ${JSON.stringify(rel)} does not exist in the mount`);
      return rows;
    },
    async readText(rel, maxBytes = 1024 * 1024) {
      live();
      return h.ssh.sftp((f) => f.readText(insideMount(mountPoint, rel), maxBytes));
    },
    async download(rel, localPath, ctx2) {
      live();
      return h.ssh.download(insideMount(mountPoint, rel), localPath, { signal: ctx2.signal, idleMs: h.idleMs() });
    },
    async unmount(ctx2) {
      if (!mounted) return;
      await h.run(unmountArgs(mountPoint), ctx2, vm.name);
      mounted = false;
    },
  };
}
