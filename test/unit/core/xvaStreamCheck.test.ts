import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { xvaCheck, xvaStreamCheck } from '../../../src/core/xvaStreamCheck';
import { tarEntry, tarHeader, tarTrailer } from '../../lab/xapi/tar';
import { loadXxh64, sampleXva, xvaEntries } from './xvaSample';

/** Feeds `bytes` in pieces of `piece` bytes through one reused buffer (as the slabs are), then ends the check. */
async function run(bytes: Buffer, opts: { piece?: number; gzip?: boolean; zstd?: boolean } = {}): Promise<void> {
  const check = await xvaCheck('/export', opts.gzip ? 'gzip' : opts.zstd ? 'zstd' : undefined);
  const piece = opts.piece ?? 65536;
  const mem = Buffer.alloc(piece);
  for (let at = 0; at < bytes.length; at += piece) {
    const n = bytes.copy(mem, 0, at, Math.min(at + piece, bytes.length));
    await check.update(mem.subarray(0, n));
    mem.fill(0xa5); // the memory is reused: the check must not have kept views of it
  }
  await check.end();
}

const truncated = (e: Error & { code?: string }) => e.code === 'ERR_TRUNCATED_STREAM';
const corrupt = (re: RegExp) => (e: Error & { code?: string }) => e.code === 'ERR_CORRUPT_STREAM' && re.test(e.message);

describe('xvaStreamCheck: an XVA checked while it streams (stream_vdi.ml chunks and sidecars)', () => {
  before(loadXxh64);

  it('passes a whole XVA with .xxhash or .checksum sidecars, an empty keep-alive chunk, however it is cut into reads', async () => {
    for (const sums of ['xxhash', 'checksum'] as const) {
      for (const piece of [1 << 20, 65536, 511, 7]) await run(sampleXva(sums), { piece });
    }
    const check = await xvaStreamCheck('x');
    check.update(sampleXva());
    check.end();
    assert.deepEqual(check.summary(), { entries: 9, chunks: 4, checksums: 'xxhash' });
  });

  it('passes zeros after the end-of-archive marker (tar pads to its record size) and nothing else', async () => {
    await run(Buffer.concat([sampleXva(), Buffer.alloc(10240)]));
    await assert.rejects(
      run(Buffer.concat([sampleXva(), Buffer.from('x')])),
      corrupt(/after the end-of-archive marker/),
    );
  });

  it('fails a stream cut anywhere before its end as truncated (worth a retry)', async () => {
    const xva = sampleXva();
    for (const at of [0, 1, 511, 512, 700, 600_000, 1_049_600, xva.length - 1025, xva.length - 512, xva.length - 1]) {
      await assert.rejects(run(xva.subarray(0, at)), truncated, `cut at ${at}`);
    }
  });

  it('fails a chunk whose bytes do not match its checksum, naming the chunk, with the end marker intact', async () => {
    for (const sums of ['xxhash', 'checksum'] as const) {
      const xva = sampleXva(sums);
      xva[2048 + 1000] ^= 1; // inside Ref:1/00000000
      await assert.rejects(run(xva), corrupt(/Ref:1\/00000000: checksum mismatch/));
    }
  });

  it('fails a stream from which a middle part was dropped, though it still ends with the end-of-archive marker', async () => {
    const xva = sampleXva();
    const cut = Buffer.concat([xva.subarray(0, 300_000), xva.subarray(300_000 + 65536)]);
    await assert.rejects(run(cut), (e: Error & { code?: string }) => truncated(e) || corrupt(/./)(e));
  });

  it('fails what is not an XVA as stream_vdi.ml reads one', async () => {
    const chunk = (n: string) => tarEntry(n, Buffer.alloc(10, 1));
    const cases: Array<[Buffer[], RegExp]> = [
      [[chunk('Ref:1/00000000')], /first entry is "Ref:1\/00000000", not ova.xml/],
      [
        [xvaEntries([])[0], chunk('Ref:1/00000000'), chunk('Ref:1/00000001')],
        /Ref:1\/00000000 is followed by Ref:1\/00000001, not by its checksum/,
      ],
      [
        [
          ...xvaEntries([
            { disk: 'Ref:1', n: 2, data: Buffer.alloc(1) },
            { disk: 'Ref:1', n: 1, data: Buffer.alloc(1) },
          ]),
        ],
        /numbers must increase/,
      ],
      [[xvaEntries([])[0], tarEntry('Ref:1/00000000.xxhash', Buffer.from('0'))], /does not follow its chunk/],
      [[xvaEntries([])[0], chunk('Ref:1/00000000')], /has no checksum entry/],
      [[Buffer.alloc(512), xvaEntries([])[0]], /a zero block inside the archive at byte 0/],
      [[Buffer.alloc(1024)], /an empty archive/],
    ];
    for (const [parts, re] of cases) await assert.rejects(run(Buffer.concat([...parts, tarTrailer()])), corrupt(re));
    const badSum = tarHeader('ova.xml', 0);
    badSum[0] ^= 1;
    await assert.rejects(run(Buffer.concat([badSum, tarTrailer()])), corrupt(/tar header checksum mismatch at byte 0/));
    const link = tarHeader('ova.xml', 0);
    link[156] = 0x32; // a symlink: fix its header checksum so only the type is wrong
    link.write('        ', 148, 'ascii');
    link.write(
      link
        .reduce((a, b) => a + b, 0)
        .toString(8)
        .padStart(6, '0') + '\0 ',
      148,
      'ascii',
    );
    await assert.rejects(run(Buffer.concat([link, tarTrailer()])), corrupt(/tar entry of type "2"/));
  });

  it('gzip (use_compression=true): passes a whole stream, fails one cut short or with a wrong CRC, and checks the XVA inside', async () => {
    const xva = sampleXva();
    const gz = gzipSync(xva);
    for (const piece of [65536, 1000]) await run(gz, { gzip: true, piece });
    await assert.rejects(run(gz.subarray(0, gz.length - 3), { gzip: true }), truncated);
    await assert.rejects(run(gz.subarray(0, 2000), { gzip: true }), truncated);
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 6] ^= 1;
    await assert.rejects(run(badCrc, { gzip: true }), corrupt(/gzip stream is damaged/));
    // A whole gzip stream of a cut XVA (a proxy that re-compressed what it got): the XVA check still says so.
    await assert.rejects(run(gzipSync(xva.subarray(0, 500_000)), { gzip: true }), truncated);
    const flipped = Buffer.from(xva);
    flipped[2048 + 10] ^= 1;
    await assert.rejects(run(gzipSync(flipped), { gzip: true }), corrupt(/checksum mismatch/));
  });

  it('zstd (use_compression=zstd): passes a whole stream, fails one cut inside its frame, and checks the XVA inside', async () => {
    // sampleXva() compressed by the zstd 1.5 CLI (`zstd -19 --check`), kept beside this test (Node 20 has no zstd).
    const zst = fs.readFileSync(path.resolve(__dirname, '../../../../test/unit/core/sample-xva.zst'));
    for (const piece of [65536, 100, 7]) await run(zst, { zstd: true, piece });
    for (const at of [4, 20, Math.floor(zst.length / 2), zst.length - 5])
      await assert.rejects(run(zst.subarray(0, at), { zstd: true }), truncated, `cut at ${at}`);
    const garbled = Buffer.from(zst);
    garbled[Math.floor(zst.length / 2)] ^= 0xff;
    await assert.rejects(
      run(garbled, { zstd: true }),
      (e: Error & { code?: string }) => e.code === 'ERR_CORRUPT_STREAM' || e.code === 'ERR_TRUNCATED_STREAM',
    );
  });
});
