// Streams bytes to <file>.part while hashing; renames to <file> only when told the source succeeded.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProgressMeter, Progress } from './progress';

export interface WrittenFile { path: string; bytes: number; sha256: string }

export async function writeVerified(source: Readable, finalPath: string, opts: { signal?: AbortSignal; totalBytes?: number; onProgress?: (p: Progress) => void; confirm?: () => Promise<void>; check?: Transform }): Promise<WrittenFile> {
  const part = finalPath + '.part';
  const hash = createHash('sha256');
  const meter = new ProgressMeter(opts.totalBytes);
  let lastReport = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      const p = meter.add(chunk.length);
      const now = Date.now();
      if (now - lastReport > 250) { lastReport = now; opts.onProgress?.(p); }
      cb(null, chunk);
    },
  });
  try {
    const stages = opts.check ? [source, opts.check, tap] : [source, tap];
    await pipeline([...stages, fs.createWriteStream(part, { flags: 'wx' })], { signal: opts.signal });
    // The transport may report failure only after the bytes ended (XAPI: the export task); wait for its verdict.
    await opts.confirm?.();
    opts.onProgress?.(meter.snapshot());
    fs.renameSync(part, finalPath);
    return { path: finalPath, bytes: meter.bytesDone, sha256: hash.digest('hex') };
  } catch (err) {
    source.destroy();
    fs.rmSync(part, { force: true });
    throw err;
  }
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), new Transform({ transform(c, _e, cb) { hash.update(c); cb(); } }), { signal });
  return hash.digest('hex');
}
