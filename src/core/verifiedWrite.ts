// Receives bytes into <file>.part while hashing; renames to <file> only when the source and the checks agreed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BodySink } from './bodySink';
import { ProgressMeter, Progress, ThrottledProgress } from './progress';
import { SlabFile, syncDir } from './slabFile';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Looks at a stream's bytes as they pass; `end` throws (or rejects) when what passed is not a whole, valid stream. A
 * chunk is only valid during `update` (its memory is reused): keep a copy, never a view. `update` may return a
 * promise to say "read nothing more until it settles" (a check that works behind the stream, e.g. an inflater).
 */
export interface StreamCheck {
  update(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

export interface ReceiveOptions {
  onProgress?: (p: Progress) => void;
  /** The transport's verdict after the bytes ended (XAPI: the export task); throws when the stream was not good. */
  confirm?: () => Promise<void>;
  /** A check of the content itself (e.g. a tar must end with its end-of-archive marker). */
  check?: StreamCheck;
}

/** What a transfer fills: the sink, the size once the source announced it, or else the source's own progress (0..1). */
export interface Receiving {
  sink: BodySink;
  setTotal(bytes: number | undefined): void;
  setFraction(fraction: number): void;
}

/**
 * Runs `fill` (a download into the sink), then the checks and `confirm`; only then fsyncs, renames the .part to
 * `finalPath` and fsyncs the directory. Any failure (including the signal `fill` was given) removes the .part.
 */
export async function receiveVerified(
  finalPath: string,
  opts: ReceiveOptions,
  fill: (r: Receiving) => Promise<void>,
): Promise<WrittenFile> {
  const part = finalPath + '.part';
  const hash = createHash('sha256');
  const progress = new ThrottledProgress(new ProgressMeter(), opts.onProgress);
  const sink = await SlabFile.create(part, (bytes) => {
    hash.update(bytes);
    progress.add(bytes.length);
    return opts.check?.update(bytes);
  });
  let closed = false;
  try {
    await fill({
      sink,
      setTotal: (bytes) => {
        if (bytes !== undefined) progress.meter.bytesTotal = bytes;
      },
      setFraction: (f) => progress.setFraction(f),
    });
    await opts.check?.end();
    await opts.confirm?.();
    closed = true;
    await sink.close(true);
    progress.finish();
    await fs.promises.rename(part, finalPath);
    await syncDir(path.dirname(finalPath));
    return { path: finalPath, bytes: sink.bytesWritten, sha256: hash.digest('hex') };
  } catch (err) {
    progress.stop();
    if (!closed) await sink.close(false).catch(() => undefined);
    await fs.promises.rm(part, { force: true });
    throw err;
  }
}

/**
 * The sha256 of a file, read once; `check` (if any) sees the same bytes and then ends. What the check found wrong is
 * returned, not thrown (the hash is computed to the end either way, so both can be reported); read errors throw.
 */
export async function sha256File(
  file: string,
  signal?: AbortSignal,
  check?: StreamCheck,
): Promise<{ sha256: string; problem?: Error }> {
  const hash = createHash('sha256');
  let problem: Error | undefined;
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      hash.update(c);
      if (!check || problem) return cb();
      const fail = (err: unknown) => {
        problem = err as Error;
        cb();
      };
      try {
        Promise.resolve(check.update(c)).then(() => cb(), fail);
      } catch (err) {
        fail(err);
      }
    },
  });
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), sink, { signal });
  if (check && !problem) {
    try {
      await check.end();
    } catch (err) {
      problem = err as Error;
    }
  }
  return { sha256: hash.digest('hex'), problem };
}

/** Writes a small in-memory document (an OVF descriptor…) the way every file of a backup is written: receiveVerified. */
export async function writeVerified(finalPath: string, data: Buffer): Promise<WrittenFile> {
  return receiveVerified(finalPath, {}, async ({ sink, setTotal }) => {
    setTotal(data.length);
    for (let off = 0; off < data.length;) {
      const space = sink.space();
      const n = Math.min(space.length, data.length - off);
      data.copy(space, 0, off, off + n);
      off += n;
      await sink.commit(n);
    }
  });
}
