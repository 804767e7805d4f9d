import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIRST_SLAB_SHORTER_BY, SLAB_BYTES, SlabFile } from '../../../src/core/slabFile';
import { isLocalDiskFs } from '../../../src/core/directFile';
import { pattern } from '../pattern';
import { tempDir } from '../../tempDir';

describe('SlabFile', () => {
  const tmp = () => tempDir('slab-');

  it('writes full slabs at their offsets while the next one fills, and makes the reader wait when every slab is in flight', async () => {
    const file = path.join(tmp(), 'f.bin');
    const seen: Buffer[] = [];
    const f = await SlabFile.create(
      file,
      (b) => {
        seen.push(Buffer.from(b));
      },
      { slabBytes: 8, slabs: 2 },
    );
    const data = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    let waits = 0;
    for (let i = 0; i < data.length;) {
      const space = f.space();
      assert.ok(space.length > 0 && space.length <= 8);
      const k = Math.min(space.length, 5, data.length - i);
      data.copy(space, 0, i, i + k);
      i += k;
      const w = f.commit(k);
      if (w) {
        waits++;
        await w;
      }
    }
    assert.equal(f.bytesWritten, data.length);
    await f.close(true);
    assert.equal(fs.readFileSync(file, 'latin1'), data.toString('latin1'));
    assert.equal(
      Buffer.concat(seen).toString('latin1'),
      data.toString('latin1'),
      'the observer saw every byte once, in order',
    );
    assert.ok(waits >= 3, `with 2 slabs of 8 bytes the reader waited for writes (${waits})`);
  });

  it('creates its file exclusively', async () => {
    const file = path.join(tmp(), 'g.bin');
    fs.writeFileSync(file, 'x');
    await assert.rejects(
      SlabFile.create(file, () => undefined),
      /EEXIST/,
    );
  });
  it('through the page cache, ends its first write short of a page boundary, so no write starts on one (see FIRST_SLAB_SHORTER_BY)', async () => {
    const file = path.join(tmp(), 'h.bin');
    const f = await SlabFile.create(file, () => undefined, { direct: false });
    assert.equal(f.space().length, SLAB_BYTES - FIRST_SLAB_SHORTER_BY);
    assert.equal((SLAB_BYTES - FIRST_SLAB_SHORTER_BY) % 4096 !== 0, true);
    f.space().fill(1);
    await f.commit(SLAB_BYTES - FIRST_SLAB_SHORTER_BY);
    assert.equal(f.space().length, SLAB_BYTES, 'the slabs after it are whole');
    f.space().fill(2, 0, 10);
    await f.commit(10);
    await f.close(false);
    const got = fs.readFileSync(file);
    assert.equal(got.length, SLAB_BYTES - FIRST_SLAB_SHORTER_BY + 10);
    assert.equal(got[got.length - 11], 1);
    assert.equal(got[got.length - 1], 2);
  });

  /** Counts (or fails) FileHandle.datasync for the duration of `fn`. */
  async function withDatasync(
    replace: (original: () => Promise<void>) => Promise<void>,
    fn: () => Promise<void>,
  ): Promise<void> {
    const probe = await fs.promises.open(os.tmpdir(), 'r');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const original = proto.datasync;
    proto.datasync = function (this: unknown) {
      return replace(() => original.call(this));
    };
    try {
      await fn();
    } finally {
      proto.datasync = original;
    }
  }

  async function writeThrough(f: SlabFile, data: Buffer): Promise<void> {
    for (let i = 0; i < data.length;) {
      const space = f.space();
      const k = Math.min(space.length, data.length - i);
      data.copy(space, 0, i, i + k);
      i += k;
      await f.commit(k);
    }
  }

  it('through the page cache, flushes to disk as the file grows (fdatasync in the background), not only at close', async () => {
    const file = path.join(tmp(), 'i.bin');
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i & 0xff));
    let flushes = 0;
    // Counted, not done: a real fdatasync on a busy disk may outlast the whole write, and one flush runs at a time.
    await withDatasync(
      async () => {
        flushes++;
      },
      async () => {
        const f = await SlabFile.create(file, () => undefined, {
          slabBytes: 4096,
          slabs: 4,
          flushEveryBytes: 32 * 1024,
          direct: false,
        });
        await writeThrough(f, data);
        const before = flushes;
        await f.close(true);
        assert.ok(before >= 2, `${before} flushes while 200,000 bytes were written, one every 32 KiB at most`);
      },
    );
    assert.deepEqual(fs.readFileSync(file), data);
  });

  it("a failed flush (the disk's EIO) fails the file, as a failed write does", async () => {
    const file = path.join(tmp(), 'j.bin');
    await withDatasync(
      () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })),
      async () => {
        const f = await SlabFile.create(file, () => undefined, {
          slabBytes: 4096,
          slabs: 4,
          flushEveryBytes: 8192,
          direct: false,
        });
        let closed = false;
        await assert.rejects(
          writeThrough(f, Buffer.alloc(100_000)).then(() => {
            closed = true;
            return f.close(true);
          }),
          /EIO/,
        );
        if (!closed) await assert.rejects(f.close(false), /EIO/, 'close reports the failure too');
      },
    );
  });

  it('on Linux writes around the page cache (O_DIRECT) from aligned slabs, and a file of any size comes out exact', async function () {
    // O_DIRECT is Linux's, for local disks; elsewhere the page-cache path above is the one.
    if (process.platform !== 'linux' || !isLocalDiskFs(Number((await fs.promises.statfs(os.tmpdir())).type)))
      this.skip();
    for (const size of [0, 1, 4095, 4096, 3 * 8192 + 1234, 100_000]) {
      const file = path.join(tmp(), `d${size}.bin`);
      const data = pattern(size);
      const seen: Buffer[] = [];
      const f = await SlabFile.create(
        file,
        (b) => {
          seen.push(Buffer.from(b));
        },
        { slabBytes: 8192, slabs: 3 },
      );
      assert.equal(f.direct, true, `${os.tmpdir()} takes O_DIRECT`);
      assert.equal(f.space().length, 8192, 'direct slabs are whole from the first one');
      await writeThrough(f, data);
      assert.equal(f.bytesWritten, size);
      await f.close(true);
      assert.deepEqual(fs.readFileSync(file), data, `${size} bytes, no padding left at the end`);
      assert.deepEqual(Buffer.concat(seen), data);
    }
  });

  /** A file handle whose writes fail with `err`; everything else is the real handle's. */
  function failingWrites(fh: fs.promises.FileHandle, err: Error): fs.promises.FileHandle {
    return new Proxy(fh, {
      get: (t, k) => {
        if (k === 'write') return () => Promise.reject(err);
        const v = Reflect.get(t, k) as unknown;
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
  }

  /** Makes fs.promises.open refuse O_DIRECT, as tmpfs did before Linux 6.6 and some file systems and mount options still do: at open (after creating the file, as Linux does) or at the first write. */
  async function refusingDirect(at: 'open' | 'write', fn: () => Promise<void>): Promise<void> {
    const direct = fs.constants.O_DIRECT ?? 0x4000;
    const einval = () => Object.assign(new Error('EINVAL: invalid argument'), { code: 'EINVAL' });
    await withOpen(
      (open) => async (file, flags, mode) => {
        if (typeof flags !== 'number' || !(flags & direct)) return open(file, flags, mode);
        const fh = await open(file, flags & ~direct, mode);
        if (at === 'open') {
          await fh.close();
          throw einval();
        }
        return failingWrites(fh, einval());
      },
      fn,
    );
  }

  type Open = (file: string, flags: string | number, mode?: number) => Promise<fs.promises.FileHandle>;

  /** Runs `fn` with fs.promises.open replaced by what `replace` makes of the real one. */
  async function withOpen(replace: (open: Open) => Open, fn: () => Promise<void>): Promise<void> {
    const open = fs.promises.open;
    (fs.promises as { open: unknown }).open = replace(open);
    try {
      await fn();
    } finally {
      (fs.promises as { open: unknown }).open = open;
    }
  }

  it('goes through the page cache when no aligned memory can be had (no WebAssembly, as under --jitless)', async () => {
    const g = globalThis as { WebAssembly?: unknown };
    const saved = g.WebAssembly;
    const file = path.join(tmp(), 'nowasm.bin');
    const data = pattern(20_000);
    delete g.WebAssembly;
    try {
      const f = await SlabFile.create(file, () => undefined, { slabBytes: 8192, slabs: 3 });
      assert.equal(f.direct, false);
      await writeThrough(f, data);
      await f.close(true);
    } finally {
      g.WebAssembly = saved;
    }
    assert.deepEqual(fs.readFileSync(file), data);
  });

  it('writes direct only on local disk file systems: not NFS, SMB, FUSE or tmpfs', () => {
    for (const local of [0xef53, 0x58465342, 0x9123683e]) assert.equal(isLocalDiskFs(local), true, local.toString(16));
    for (const other of [0x6969, 0xff534d42, 0xfe534d42, 0x65735546, 0x01021994])
      assert.equal(isLocalDiskFs(other), false, other.toString(16));
  });

  for (const at of ['open', 'write'] as const) {
    it(`falls back to the page cache where the file system refuses O_DIRECT (at ${at})`, async () => {
      const file = path.join(tmp(), 'fallback.bin');
      const data = pattern(50_000);
      await refusingDirect(at, async () => {
        const f = await SlabFile.create(file, () => undefined, { slabBytes: 8192, slabs: 3 });
        assert.equal(f.direct, false);
        await writeThrough(f, data);
        await f.close(true);
      });
      assert.deepEqual(fs.readFileSync(file), data);
    });
  }

  it('a refusal other than EINVAL is an error, and leaves no file behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'x.bin');
    await withOpen(
      (open) => async (f, flags, mode) => {
        const fh = await open(f, typeof flags === 'number' ? flags & ~(fs.constants.O_DIRECT ?? 0) : flags, mode);
        return failingWrites(fh, Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
      },
      async () => {
        if (process.platform === 'linux')
          await assert.rejects(
            SlabFile.create(file, () => undefined, { slabBytes: 8192 }),
            /ENOSPC/,
          );
        else await SlabFile.create(file, () => undefined, { slabBytes: 8192 }).then((f) => f.close(false));
      },
    );
    if (process.platform === 'linux') assert.deepEqual(fs.readdirSync(dir), []);
  });
});
