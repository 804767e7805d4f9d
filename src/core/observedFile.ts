// A file sink that shows every chunk to an observer as it is written, and makes the file durable before it finishes.
import * as fs from 'node:fs';

/** Looks at a stream's bytes as they pass; `end` throws when what passed is not a whole, valid stream. */
export interface StreamCheck { update(chunk: Buffer): void; end(): void }

// @types/node declares fs.WriteStream without its (path, options) constructor; `flush` (fsync before close) is Node ≥ 20.10.
const FileWriteStream = fs.WriteStream as unknown as new (file: string, opts: { flags: string; highWaterMark: number; flush: boolean }) => fs.WriteStream;

/**
 * fs.WriteStream that hands each chunk to `observe` (hash, progress, checks) without an extra stream stage, queues up
 * to 1 MiB while a write is in flight (so writes go out as one writev instead of one syscall per network chunk), and
 * fsyncs before it closes: once the pipeline resolves, the bytes are on disk, not only in the page cache.
 */
export class ObservedFileStream extends FileWriteStream {
  constructor(file: string, private readonly observe: (chunk: Buffer) => void) {
    super(file, { flags: 'wx', highWaterMark: 1 << 20, flush: true });
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.observe(chunk);
    super._write(chunk, encoding, cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, cb: (err?: Error | null) => void): void {
    for (const c of chunks) this.observe(c.chunk);
    super._writev!(chunks, cb);
  }
}

/** fsync a directory so a rename inside it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}
