// Several file operations on one SFTP channel of an SshSession: mkdir, verified upload (.part, fsync, rename), remove.
import { createHash } from 'node:crypto';
import { SFTPWrapper, Stats } from 'ssh2';
import { basename } from 'node:path';
import { BackupContentError, CancelledError, throwIfAborted } from '../core/errors';
import { sha256File } from '../core/verifiedWrite';
import { Progress, ProgressMeter, ThrottledProgress } from '../core/progress';
import { IdleTimeoutError } from './idleLimit';
import { watchIdle } from './idleWatch';

/** A remote file's attributes: size (bytes), permission bits (e.g. 0o600), owner uid, and whether it is a directory. */
export interface RemoteStat {
  size: number;
  mode: number;
  uid: number;
  isDirectory: boolean;
}

/** One listing row: the name (never containing "/") and its attributes. */
export interface RemoteEntry extends RemoteStat {
  name: string;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Fails when no write completed for this long, ms. Default 5 min. */
  idleMs?: number;
  onProgress?: (p: Progress) => void;
  /**
   * The local file's expected sha256 (hex, the backup's manifest): the file is hashed while it is sent (a read of its
   * own, alongside fastPut's), and the `.part` is renamed only when the digest matches; else it is removed and a
   * BackupContentError thrown.
   */
  sha256?: string;
}

/** An SFTP call as a promise. */
export function sftpCall<T>(start: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

/** SFTP status code 2 (SSH_FX_NO_SUCH_FILE), as ssh2 reports it in `err.code`. */
function isNoSuchFile(e: unknown): boolean {
  return (e as { code?: unknown }).code === 2;
}

/**
 * One SFTP channel (SshSession.files()). Paths are used as given: callers build them from checked parts only.
 * `end()` releases the channel.
 */
export class SftpFiles {
  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly where: string,
  ) {}

  /** mkdir of one folder (not recursive); fails when it exists (the caller's folder must be its own). */
  async mkdir(remotePath: string, mode = 0o755): Promise<void> {
    await sftpCall<void>((cb) => this.sftp.mkdir(remotePath, { mode }, cb)).catch((e: Error) => {
      throw new Error(`${this.where}: SFTP mkdir ${JSON.stringify(remotePath)}: ${e.message}`);
    });
  }

  /** Whether the path exists (lstat). */
  async exists(remotePath: string): Promise<boolean> {
    try {
      await sftpCall((cb) => this.sftp.lstat(remotePath, cb));
      return true;
    } catch (e) {
      if (isNoSuchFile(e)) return false;
      throw new Error(`${this.where}: SFTP stat ${JSON.stringify(remotePath)}: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * What is at `remotePath`, the path itself (lstat: a symlink is never followed): a regular `file`, a `folder`, a
   * `symlink`, `other` (device, socket, fifo), or undefined when nothing is there (SFTP NO_SUCH_FILE).
   */
  async kind(remotePath: string): Promise<'file' | 'folder' | 'symlink' | 'other' | undefined> {
    let a: Stats;
    try {
      a = await sftpCall<Stats>((cb) => this.sftp.lstat(remotePath, cb));
    } catch (e) {
      if (isNoSuchFile(e)) return undefined;
      throw this.fail(remotePath, e);
    }
    const type = a.mode & 0o170000;
    return type === 0o100000 ? 'file' : type === 0o040000 ? 'folder' : type === 0o120000 ? 'symlink' : 'other';
  }

  /** Removes a file; true when it was there. */
  async removeFile(remotePath: string): Promise<boolean> {
    try {
      await sftpCall<void>((cb) => this.sftp.unlink(remotePath, cb));
      return true;
    } catch (e) {
      if (isNoSuchFile(e)) return false;
      throw new Error(`${this.where}: SFTP remove ${JSON.stringify(remotePath)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /** Removes an empty folder (rmdir: never recursive); true when it was there. */
  async removeFolder(remotePath: string): Promise<boolean> {
    try {
      await sftpCall<void>((cb) => this.sftp.rmdir(remotePath, cb));
      return true;
    } catch (e) {
      if (isNoSuchFile(e)) return false;
      throw new Error(`${this.where}: SFTP rmdir ${JSON.stringify(remotePath)}: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Uploads a local file to `remotePath` through `remotePath.part`: ssh2's fastPut (64 writes of 32 KiB in flight),
   * then fsync@openssh.com on the .part, then rename. The size written must be the local size. Abort, the idle limit or
   * any error remove the .part; `remotePath` itself is never written until the rename.
   * @throws CancelledError, IdleTimeoutError, or Error naming the host and path.
   */
  async upload(localPath: string, remotePath: string, bytes: number, opts: UploadOptions = {}): Promise<void> {
    throwIfAborted(opts.signal);
    const part = `${remotePath}.part`;
    const idleMs = opts.idleMs ?? 300_000;
    let stopped: Error | undefined;
    const stop = (e: Error) => {
      if (!stopped) {
        stopped = e;
        this.sftp.end();
      }
    };
    const idle = watchIdle(idleMs, () =>
      stop(new IdleTimeoutError(`${this.where}: SFTP write of ${JSON.stringify(remotePath)}`, idleMs)),
    );
    const onAbort = () => stop(new CancelledError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const progress = new ThrottledProgress(new ProgressMeter(bytes), opts.onProgress);
    let sent = 0;
    const digest = opts.sha256 ? sha256File(localPath, opts.signal).then((d) => d.sha256) : undefined;
    digest?.catch(() => undefined); // awaited after the transfer
    try {
      await sftpCall<void>((cb) =>
        this.sftp.fastPut(
          localPath,
          part,
          {
            concurrency: 64,
            chunkSize: 32 * 1024,
            mode: 0o644,
            step: (done) => {
              idle.touch();
              progress.add(done - sent);
              sent = done;
            },
          },
          cb,
        ),
      );
      if (digest && (await digest) !== opts.sha256!.toLowerCase())
        throw new BackupContentError(basename(localPath), `its upload ${JSON.stringify(part)} was removed`);
      const handle = await sftpCall<Buffer>((cb) => this.sftp.open(part, 'r+', cb));
      try {
        const st = await sftpCall<{ size?: number }>((cb) => this.sftp.fstat(handle, cb));
        if (st.size !== bytes) throw new Error(`wrote ${st.size} bytes, the file has ${bytes}`);
        await sftpCall((cb) => this.sftp.ext_openssh_fsync(handle, cb));
      } finally {
        await sftpCall<void>((cb) => this.sftp.close(handle, cb)).catch(() => undefined);
      }
      await sftpCall<void>((cb) => this.sftp.rename(part, remotePath, cb));
      progress.finish();
    } catch (e) {
      progress.stop();
      if (!stopped) await this.removeFile(part).catch(() => undefined);
      if (e instanceof BackupContentError) throw e;
      throw (
        stopped ?? new Error(`${this.where}: SFTP upload to ${JSON.stringify(remotePath)}: ${(e as Error).message}`)
      );
    } finally {
      idle.stop();
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The attributes of `path` (following a symlink), or undefined when it does not exist (SFTP NO_SUCH_FILE). */
  async stat(path: string): Promise<RemoteStat | undefined> {
    try {
      return toStat(await sftpCall<Stats>((cb) => this.sftp.stat(path, cb)));
    } catch (e) {
      if (isNoSuchFile(e)) return undefined;
      throw this.fail(path, e);
    }
  }

  /**
   * A whole small file as UTF-8. @throws when it is larger than `maxBytes` (a hostile or wrong file is not read into
   * memory) or cannot be read.
   */
  async readText(path: string, maxBytes = 1024 * 1024): Promise<string> {
    return (await this.readBytes(path, maxBytes)).toString('utf8');
  }

  /**
   * A whole small file's bytes. @throws when it is larger than `maxBytes` (a hostile or wrong file is not read into
   * memory, also when it grows while read) or cannot be read.
   */
  async readBytes(path: string, maxBytes = 1024 * 1024): Promise<Buffer> {
    const st = await this.stat(path);
    if (!st) throw new Error(`${this.where}: ${JSON.stringify(path)} does not exist`);
    if (st.size > maxBytes)
      throw new Error(`${this.where}: ${JSON.stringify(path)} is ${st.size} bytes, more than ${maxBytes}`);
    const handle = await sftpCall<Buffer>((cb) => this.sftp.open(path, 'r', cb)).catch((e) => {
      throw this.fail(path, e);
    });
    try {
      const chunks: Buffer[] = [];
      let pos = 0;
      for (;;) {
        const buf = Buffer.alloc(32 * 1024);
        const n = await new Promise<number>((resolve, reject) =>
          this.sftp.read(handle, buf, 0, buf.length, pos, (e, k) => (e ? reject(e) : resolve(k))),
        ).catch((e: unknown) => {
          if ((e as { code?: number }).code === 1) return 0; // EOF
          throw this.fail(path, e);
        });
        if (n === 0) break;
        chunks.push(buf.subarray(0, n));
        pos += n;
        if (pos > maxBytes) throw new Error(`${this.where}: ${JSON.stringify(path)} grew past ${maxBytes} bytes`);
      }
      return Buffer.concat(chunks);
    } finally {
      await sftpCall<void>((cb) => this.sftp.close(handle, cb)).catch(() => undefined);
    }
  }

  /** The entries of a directory (without `.` and `..`), or undefined when it does not exist. */
  async list(path: string): Promise<RemoteEntry[] | undefined> {
    try {
      const rows = await sftpCall<Array<{ filename: string; attrs: Stats }>>((cb) => this.sftp.readdir(path, cb));
      return rows
        .filter((r) => r.filename !== '.' && r.filename !== '..' && !r.filename.includes('/'))
        .map((r) => ({ name: r.filename, ...toStat(r.attrs) }));
    } catch (e) {
      if (isNoSuchFile(e)) return undefined;
      throw this.fail(path, e);
    }
  }

  /**
   * The sha256 (hex) and length of a remote file, read once front to back over this channel (a stream of 64 KiB reads,
   * nothing kept). Abort or the idle limit end the channel.
   * @throws CancelledError, IdleTimeoutError, or Error naming the host and path.
   */
  async sha256(
    remotePath: string,
    opts: { signal?: AbortSignal; idleMs?: number; onBytes?: (n: number) => void } = {},
  ): Promise<{ sha256: string; bytes: number }> {
    throwIfAborted(opts.signal);
    const idleMs = opts.idleMs ?? 300_000;
    const stream = this.sftp.createReadStream(remotePath, { highWaterMark: 64 * 1024 });
    let stopped: Error | undefined;
    const stop = (e: Error) => {
      if (!stopped) {
        stopped = e;
        stream.destroy();
        this.sftp.end();
      }
    };
    const idle = watchIdle(idleMs, () =>
      stop(new IdleTimeoutError(`${this.where}: SFTP read of ${JSON.stringify(remotePath)}`, idleMs)),
    );
    const onAbort = () => stop(new CancelledError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        idle.touch();
        hash.update(chunk);
        bytes += chunk.length;
        opts.onBytes?.(chunk.length);
      }
      if (stopped) throw stopped;
      return { sha256: hash.digest('hex'), bytes };
    } catch (e) {
      throw stopped ?? this.fail(remotePath, e);
    } finally {
      idle.stop();
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Creates (or replaces) a small file with `mode` (default 0o600). */
  async writeText(path: string, text: string, mode = 0o600): Promise<void> {
    const handle = await sftpCall<Buffer>((cb) => this.sftp.open(path, 'w', { mode }, cb)).catch((e) => {
      throw this.fail(path, e);
    });
    try {
      const data = Buffer.from(text, 'utf8');
      let pos = 0;
      while (pos < data.length) {
        const n = Math.min(32 * 1024, data.length - pos);
        await sftpCall<void>((cb) => this.sftp.write(handle, data, pos, n, pos, cb)).catch((e) => {
          throw this.fail(path, e);
        });
        pos += n;
      }
    } finally {
      await sftpCall<void>((cb) => this.sftp.close(handle, cb)).catch(() => undefined);
    }
  }

  end(): void {
    this.sftp.end();
  }

  private fail(path: string, e: unknown): Error {
    return new Error(`${this.where}: SFTP ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function toStat(a: Stats): RemoteStat {
  return { size: a.size, mode: a.mode & 0o7777, uid: a.uid, isDirectory: (a.mode & 0o170000) === 0o040000 };
}
