import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { collectEntry, TarEntryHeader, tarEntry, TarParser, tarTrailer } from '../../lab/xapi/tar';
import { loadXxh64, xxh64Hex, xxh64Stream } from '../../lab/xapi/xxhash64';

/** Entries of awkward sizes around the 512-byte block, and one over 1 MiB. */
const entries = [0, 1, 511, 512, 513, (1 << 20) + 3].map((size, i) => ({
  name: `Ref:${i}/${String(i).padStart(8, '0')}`,
  data: Buffer.from(Array.from({ length: size }, (_, j) => (j * 31 + i * 7) & 0xff)),
}));
const archive = Buffer.concat([...entries.map((e) => tarEntry(e.name, e.data)), tarTrailer()]);

/** Parses `bytes` fed in slices of `step`, recording each entry's digest and the sizes of the pieces it came in. */
function parse(
  bytes: Buffer,
  step: number,
): { parser: TarParser; seen: Array<{ h: TarEntryHeader; sha: string; pieces: number }> } {
  const seen: Array<{ h: TarEntryHeader; sha: string; pieces: number }> = [];
  const parser = new TarParser((h) => {
    const sha = createHash('sha256');
    let pieces = 0;
    return {
      data: (c) => {
        sha.update(c);
        pieces++;
      },
      end: () => seen.push({ h, sha: sha.digest('hex'), pieces }),
    };
  });
  for (let at = 0; at < bytes.length; at += step) parser.push(bytes.subarray(at, at + step));
  return { parser, seen };
}

describe('lab tar parser (what /import reads an XVA with)', () => {
  for (const step of [1, 7, 513, 65536, archive.length]) {
    it(`streams every entry whole and finds the end marker, fed ${step} byte(s) at a time`, () => {
      const { parser, seen } = parse(archive, step);
      assert.deepEqual(
        seen.map((s) => s.h),
        entries.map((e) => ({ name: e.name, size: e.data.length })),
      );
      assert.deepEqual(
        seen.map((s) => s.sha),
        entries.map((e) => createHash('sha256').update(e.data).digest('hex')),
      );
      assert.equal(parser.complete, true);
    });
  }

  it('hands a 1 MiB entry on in the pieces it arrived in, not gathered into one buffer', () => {
    const big = parse(archive, 65536).seen.at(-1)!;
    assert.ok(big.pieces >= 16, `${big.pieces} pieces`);
  });

  it('is not complete when the archive stops before its end marker', () => {
    assert.equal(parse(archive.subarray(0, archive.length - 512), 4096).parser.complete, false);
  });

  it('refuses a header whose checksum is wrong', () => {
    const bad = Buffer.from(archive);
    bad[0] ^= 1;
    assert.throws(() => new TarParser(() => collectEntry(10, () => undefined)).push(bad), /checksum mismatch/);
  });

  it('collectEntry gathers a small entry and refuses one over its limit', () => {
    const got: Buffer[] = [];
    new TarParser(() => collectEntry(600, (d) => got.push(d))).push(
      Buffer.concat([tarEntry('ova.xml', entries[4].data), tarTrailer()]),
    );
    assert.deepEqual(got, [entries[4].data]);
    assert.throws(() => new TarParser(() => collectEntry(512, () => undefined)).push(archive), /larger than 512 bytes/);
  });
});

describe('lab XXH64 in pieces', () => {
  before(() => loadXxh64());

  it('hashes pieces to the digest of the whole', () => {
    const data = entries.at(-1)!.data;
    for (const step of [1 << 20, 65536, 4093]) {
      const h = xxh64Stream();
      for (let at = 0; at < data.length; at += step) h.update(data.subarray(at, at + step));
      assert.equal(h.hex(), xxh64Hex(data), `pieces of ${step}`);
    }
    const empty = xxh64Stream();
    assert.equal(empty.hex(), 'EF46DB3751D8E999');
  });

  it('keeps two streams apart when their pieces interleave (two imports at once)', () => {
    const [a, b] = [entries.at(-1)!.data, entries[4].data];
    const [ha, hb] = [xxh64Stream(), xxh64Stream()];
    for (let at = 0; at < a.length; at += 4096) {
      ha.update(a.subarray(at, at + 4096));
      if (at < b.length) hb.update(b.subarray(at, at + 4096));
    }
    assert.equal(ha.hex(), xxh64Hex(a));
    assert.equal(hb.hex(), xxh64Hex(b));
  });
});
