// Copies a directory tree of the Manager host into a backup folder: each regular file over SFTP, hashed while it
// streams (SshSession.download → receiveVerified), names checked before anything is written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManifestFile } from '../../../core/manifest';
import { Progress } from '../../../core/progress';
import { within } from '../../../core/safeName';
import { SshSession } from '../../../transport/ssh';
import { printable } from '../ovmErrors';

export interface RemoteEntry {
  /** Path relative to the listed directory, `/`-separated. */
  rel: string;
  type: 'file' | 'dir';
  bytes: number;
}

/**
 * A relative path from the host is used only when every segment is a plain name: no `.`/`..`, no control characters,
 * no backslash (a separator on Windows), at most 255 bytes.
 */
export function isPlainRelativePath(rel: string): boolean {
  if (!rel || rel.startsWith('/')) return false;
  return rel
    .split('/')
    .every(
      (s) =>
        s !== '' && s !== '.' && s !== '..' && !/[\u0000-\u001f\u007f-\u009f\\]/.test(s) && Buffer.byteLength(s) <= 255,
    );
}

/**
 * Lists `dir` recursively (GNU find, NUL-separated: a name cannot forge a record). Regular files and directories are
 * returned; symbolic links and special files are named in `skipped` (never followed), and so are names that are not
 * plain (isPlainRelativePath), escaped.
 * @throws Error naming the host when the directory cannot be listed.
 */
export async function listRemoteTree(
  ssh: SshSession,
  dir: string,
  signal?: AbortSignal,
): Promise<{ entries: RemoteEntry[]; skipped: string[] }> {
  const r = await ssh.exec(['find', dir, '-mindepth', '1', '-printf', '%y %s %P\\0'], {
    signal,
    maxOutputBytes: 16 * 1024 * 1024,
  });
  if (r.code !== 0) throw new Error(`${ssh.where}: cannot list ${dir}: ${printable(r.stderr.trim())}`);
  const entries: RemoteEntry[] = [];
  const skipped: string[] = [];
  for (const rec of r.stdout.split('\0')) {
    const m = /^(\S) (\d+) ([\s\S]+)$/.exec(rec);
    if (!m) continue;
    const [, t, size, rel] = m;
    if (!isPlainRelativePath(rel)) skipped.push(`${printable(rel)} (not a plain name)`);
    else if (t === 'f') entries.push({ rel, type: 'file', bytes: Number(size) });
    else if (t === 'd') entries.push({ rel, type: 'dir', bytes: 0 });
    else skipped.push(`${printable(rel)} (${t === 'l' ? 'a symbolic link' : 'not a regular file'}: not copied)`);
  }
  return { entries, skipped };
}

export interface CopyTreeOptions {
  signal?: AbortSignal;
  idleMs?: number;
  onProgress?: (p: Progress) => void;
  log?: (line: string) => void;
  /**
   * Told every name the copy will write (relative to `folder`; a directory with a trailing `/`) once the tree is
   * listed, before anything is written: the job's journal records them, so a killed copy's leftovers are its to remove.
   */
  willWrite?: (names: string[]) => Promise<void>;
}

/**
 * Copies the remote directory `remoteDir` into `<folder>/<localPrefix>/` (each file through its `.part`, sha256 while
 * streaming), after `willWrite` was told every name. Returns the manifest rows, names relative to `folder`.
 */
export async function copyRemoteTree(
  ssh: SshSession,
  remoteDir: string,
  folder: string,
  localPrefix: string,
  opts: CopyTreeOptions = {},
): Promise<ManifestFile[]> {
  const { entries, skipped } = await listRemoteTree(ssh, remoteDir, opts.signal);
  for (const s of skipped) opts.log?.(`${remoteDir}: ${s}`);
  const base = within(folder, localPrefix);
  await opts.willWrite?.(entries.map((e) => `${localPrefix}/${e.rel}${e.type === 'dir' ? '/' : ''}`));
  await fs.promises.mkdir(base, { recursive: true });
  const rows: ManifestFile[] = [];
  for (const e of entries) {
    const target = within(base, e.rel);
    if (e.type === 'dir') {
      await fs.promises.mkdir(target, { recursive: true });
      continue;
    }
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const w = await ssh.download(`${remoteDir}/${e.rel}`, target, {
      signal: opts.signal,
      idleMs: opts.idleMs,
      onProgress: opts.onProgress,
    });
    rows.push({ name: `${localPrefix}/${e.rel}`, bytes: w.bytes, sha256: w.sha256 });
  }
  return rows;
}
