// Streams bytes to <file>.part while hashing; renames to <file> only when told the source succeeded.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProgressMeter, Progress, ThrottledProgress } from './progress';
import { ObservedFileStream, StreamCheck, syncDir } from './observedFile';

export interface WrittenFile { path: string; bytes: number; sha256: string }

export interface WriteVerifiedOptions {
  signal?: AbortSignal;
  totalBytes?: number;
  onProgress?: (p: Progress) => void;
  /** The transport's verdict after the bytes ended (XAPI: the export task); throws when the stream was not good. */
  confirm?: () => Promise<void>;
  /** A check of the content itself (e.g. a tar must end with its end-of-archive marker). */
  check?: StreamCheck;
}

export async function writeVerified(source: Readable, finalPath: string, opts: WriteVerifiedOptions): Promise<WrittenFile> {
  const part = finalPath + '.part';
  const hash = createHash('sha256');
  const progress = new ThrottledProgress(new ProgressMeter(opts.totalBytes), opts.onProgress);
  const sink = new ObservedFileStream(part, (chunk) => {
    hash.update(chunk);
    opts.check?.update(chunk);
    progress.add(chunk.length);
  });
  try {
    await pipeline(source, sink, { signal: opts.signal });
    opts.check?.end();
    await opts.confirm?.();
    progress.finish();
    await fs.promises.rename(part, finalPath);
    await syncDir(path.dirname(finalPath));
    return { path: finalPath, bytes: progress.meter.bytesDone, sha256: hash.digest('hex') };
  } catch (err) {
    progress.stop();
    source.destroy();
    sink.destroy();
    await fs.promises.rm(part, { force: true });
    throw err;
  }
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), new Writable({ write(c: Buffer, _e, cb) { hash.update(c); cb(); } }), { signal });
  return hash.digest('hex');
}
