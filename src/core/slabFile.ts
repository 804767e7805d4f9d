// A file written from a few fixed buffers ("slabs") that the network reads straight into: no allocation per chunk.
import * as fs from 'node:fs';
import { BodySink } from './bodySink';
import { alignedBuffers, createForWriting, DIRECT_ALIGN } from './directFile';

export const SLAB_BYTES = 1 << 20;
const SLABS = 8;
/**
 * Written through the page cache only: the first slab holds this many bytes less, so that no write starts on a
 * page boundary. Measured on Linux 6.18 (ext4) in a VM that hands free memory back to its host (virtio-balloon free
 * page reporting, as WSL2 and Firecracker do): page-aligned 1 MiB writes cost 2–3 s of kernel CPU per GiB in the page-cache copy, in about
 * half the runs, against 0.7 s for the same writes offset by 512 bytes, every run (the offset writes fill the page
 * cache in small pages, as curl's 16 KiB writes do; aligned ones get large folios, whose fresh high-order memory
 * the host has to fault in). On other systems the offset costs one partial page per slab.
 */
export const FIRST_SLAB_SHORTER_BY = 512;
/**
 * Written through the page cache only: every this many bytes written, an fdatasync starts in the background (it
 * does not hold the reader up), so the disk writes while the network reads instead of all at once at the end: the
 * final fsync of a 2 GiB export went from about 1 s to almost nothing, and the export from 0.8 to 0.9–1.0 of
 * `curl -o`'s speed, which does not fsync (2026-11-23; 32, 64 and 128 MiB measured alike, 256 MiB less well). It
 * also keeps a backup from filling the page cache with dirty pages that the kernel would throttle the next writer for.
 */
export const FLUSH_EVERY_BYTES = 64 << 20;

/**
 * Bytes arrive in the current slab (`space()` / `commit()`); a full slab is written at its file offset while the
 * next one fills; when every slab is in flight, `commit` returns a promise and the reader waits (backpressure).
 * `observe` sees each committed run of bytes once, in order (hash, content checks, progress). `close(true)` writes
 * the rest and fsyncs: once it resolves, the bytes are on disk, not only in the page cache.
 *
 * Where the file system takes it (Linux, `direct`), the slabs go to disk around the page cache (O_DIRECT): a backup
 * is written once and read rarely, so it has no business evicting the user's working set, and the copy into the
 * page cache and its writeback were the most CPU a download cost after hashing — a 2 GiB file written from 1 MiB
 * slabs: 2.4–2.6 s of CPU through the page cache (fsync included), 0.7–0.8 s direct (2026-11-23, ext4 on
 * virtio-blk). Elsewhere the writes are offset (FIRST_SLAB_SHORTER_BY) and flushed as they go (FLUSH_EVERY_BYTES).
 */
export class SlabFile implements BodySink {
  private readonly free: Buffer[];
  private current: Buffer;
  private fill = 0;
  /** How much of the current slab is filled before it is written (the first one: a little less, see above). */
  private cap: number;
  private offset = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failed: unknown;
  private waiter?: { resolve: () => void; reject: (e: unknown) => void };
  /** The background fdatasync, if one runs; and where the file stood when the last one started. */
  private flushing?: Promise<void>;
  private flushedTo = 0;

  private constructor(
    private readonly fh: fs.promises.FileHandle,
    private readonly observe: (bytes: Buffer) => Promise<void> | void,
    slabs: Buffer[],
    /** Written around the page cache (O_DIRECT): whole aligned slabs, the last one padded, then cut to size. */
    readonly direct: boolean,
    private readonly flushEvery: number,
  ) {
    this.free = slabs;
    this.current = this.free.pop()!;
    const slabBytes = this.current.length;
    this.cap = !direct && slabBytes > 4 * FIRST_SLAB_SHORTER_BY ? slabBytes - FIRST_SLAB_SHORTER_BY : slabBytes;
  }

  /** Creates `file`, which must not exist yet; direct unless `direct: false` or the file system refuses it. */
  static async create(
    file: string,
    observe: (bytes: Buffer) => Promise<void> | void,
    opts: { slabBytes?: number; slabs?: number; flushEveryBytes?: number; direct?: boolean } = {},
  ): Promise<SlabFile> {
    const slabBytes = opts.slabBytes ?? SLAB_BYTES;
    const count = Math.max(2, opts.slabs ?? SLABS);
    const aligned =
      (opts.direct ?? true) && slabBytes % DIRECT_ALIGN === 0 ? alignedBuffers(count, slabBytes) : undefined;
    const slabs = aligned ?? Array.from({ length: count }, () => Buffer.allocUnsafeSlow(slabBytes));
    const { fh, direct } = await createForWriting(file, aligned !== undefined, slabs[0]);
    return new SlabFile(fh, observe, slabs, direct, opts.flushEveryBytes ?? FLUSH_EVERY_BYTES);
  }

  get bytesWritten(): number {
    return this.offset + this.fill;
  }

  space(): Buffer {
    return this.current.subarray(this.fill, this.cap);
  }

  commit(n: number): Promise<void> | undefined {
    if (this.failed) return Promise.reject(this.failed);
    if (n <= 0) return undefined;
    const observed = this.observe(this.current.subarray(this.fill, this.fill + n));
    this.fill += n;
    const slab = this.advance();
    if (!observed) return slab;
    return slab ? Promise.all([observed, slab]).then(() => undefined) : observed;
  }

  /** After a commit: a full slab is written; a promise when no free slab is left (wait for a write to end). */
  private advance(): Promise<void> | undefined {
    if (this.fill < this.cap) return undefined;
    this.submit();
    this.current = this.free.pop()!;
    this.cap = this.current.length;
    if (this.free.length > 0) return undefined;
    // The last free slab is now current: wait until a write gives one back.
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Writes what is left, waits for every write, then (if `durable`) fsyncs, and closes. Rejects if a write failed. */
  async close(durable: boolean): Promise<void> {
    try {
      const size = this.bytesWritten;
      if (!this.failed && this.fill > 0) this.submit();
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      await this.flushing;
      if (this.failed) throw this.failed;
      if (this.direct && size % DIRECT_ALIGN !== 0) await this.fh.truncate(size);
      if (durable) await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  private submit(): void {
    const slab = this.current;
    const position = this.offset;
    // A direct write is whole aligned blocks: the last, short slab goes out padded with zeros (cut off at close).
    const length = this.direct ? Math.ceil(this.fill / DIRECT_ALIGN) * DIRECT_ALIGN : this.fill;
    slab.fill(0, this.fill, length);
    this.offset += this.fill;
    this.fill = 0;
    const write = writeAll(this.fh, slab, length, position)
      .then(
        () => {
          this.free.push(slab);
          const w = this.waiter;
          this.waiter = undefined;
          w?.resolve();
        },
        (err) => this.fail(err),
      )
      .finally(() => {
        this.inFlight.delete(write);
      });
    this.inFlight.add(write);
    if (!this.direct && !this.flushing && this.offset - this.flushedTo >= this.flushEvery) this.flush();
  }

  /** Starts an fdatasync of what is written so far; an error in it (the disk's EIO) fails the file like a write's. */
  private flush(): void {
    this.flushedTo = this.offset;
    this.flushing = this.fh
      .datasync()
      .catch((err) => this.fail(err))
      .finally(() => {
        this.flushing = undefined;
      });
  }

  /** The first error is the file's: every later commit and the close reject with it; a waiting reader stops. */
  private fail(err: unknown): void {
    this.failed ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }
}

/** fs write may write less than asked (a signal, a nearly full disk): go on from where it stopped. */
async function writeAll(fh: fs.promises.FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length;) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}

/** fsync a directory so a rename inside it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
