// Files written around the page cache (O_DIRECT), from memory aligned for it, where the platform and the file system
// take that; ordinary writes where they do not.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The one piece of the WebAssembly API used here (the compile target's lib has no WebAssembly types). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } };

/** Offsets, lengths and memory of direct writes are multiples of this (a page; covers 512- and 4096-byte sectors). */
export const DIRECT_ALIGN = 4096;

/**
 * `count` buffers of `bytes` each, page-aligned: a WebAssembly memory is mapped whole pages at a time, where a
 * Buffer's memory comes from malloc and is only 16-byte aligned, which O_DIRECT refuses (EINVAL). Undefined where no
 * such memory can be had (no WebAssembly, as under --jitless; V8's address space for them exhausted).
 */
export function alignedBuffers(count: number, bytes: number): Buffer[] | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  let memory: { buffer: ArrayBuffer };
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil((count * bytes) / 65536) });
  } catch {
    return undefined;
  }
  return Array.from({ length: count }, (_, i) => Buffer.from(memory.buffer, i * bytes, bytes));
}

/**
 * Local disk file systems (statfs magic numbers), where a direct write is a DMA to the disk. Not network ones: on
 * NFS every direct write is a WRITE and a COMMIT, the NAS syncing each MiB, where the page cache would have sent the
 * file behind the network read; nor FUSE, whose direct I/O depends on the daemon.
 */
const LOCAL_DISK_FS = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
]);

/** Whether a file system (its statfs type) takes direct writes to local disk. */
export function isLocalDiskFs(type: number): boolean {
  return LOCAL_DISK_FS.has(type >>> 0);
}

export interface OpenedFile {
  fh: fs.promises.FileHandle;
  direct: boolean;
}

/**
 * Creates `file` (it must not exist) for writing. Direct when `wantDirect`, the platform has O_DIRECT (Linux), the
 * file system is a local disk's and a first write of `probe` (DIRECT_ALIGN bytes of aligned memory) is taken (a
 * refusal, EINVAL, is not an error); otherwise the file is written through the page cache as usual.
 */
export async function createForWriting(file: string, wantDirect: boolean, probe: Buffer): Promise<OpenedFile> {
  const O_DIRECT = fs.constants.O_DIRECT;
  const local =
    wantDirect && O_DIRECT ? isLocalDiskFs(Number((await fs.promises.statfs(path.dirname(file))).type)) : false;
  if (!local) return { fh: await fs.promises.open(file, 'wx'), direct: false };
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(
      file,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_DIRECT,
      0o666,
    );
    await fh.write(probe, 0, DIRECT_ALIGN, 0);
    await fh.truncate(0);
    return { fh, direct: true };
  } catch (err) {
    await fh?.close();
    const refused = (err as NodeJS.ErrnoException).code === 'EINVAL';
    // Linux creates the file before it refuses O_DIRECT on it: ours either way, since O_EXCL came first.
    if (fh || refused) await fs.promises.rm(file, { force: true });
    if (!refused) throw err;
    return { fh: await fs.promises.open(file, 'wx'), direct: false };
  }
}
