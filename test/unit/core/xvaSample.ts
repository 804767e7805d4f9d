// Small XVAs built as xapi's export.ml / stream_vdi.ml write them: ova.xml, then per disk `Ref:N/%08d` chunks each
// followed by `<chunk>.xxhash` (XXH64, %016LX) or `<chunk>.checksum` (SHA-1 hex), then the end-of-archive marker.
import { createHash } from 'node:crypto';
import { tarEntry, tarTrailer } from '../../lab/xapi/tar';
import { loadXxh64, xxh64Hex } from '../../lab/xapi/xxhash64';

export { loadXxh64 };

export interface SampleChunk {
  disk: string;
  n: number;
  data: Buffer;
}

/** The entries of an XVA (header + data + padding each), without the trailer. */
export function xvaEntries(chunks: SampleChunk[], sums: 'xxhash' | 'checksum' = 'xxhash'): Buffer[] {
  const out = [tarEntry('ova.xml', Buffer.from('<?xml version="1.0"?><value><struct/></value>'))];
  for (const c of chunks) {
    const name = `${c.disk}/${String(c.n).padStart(8, '0')}`;
    out.push(tarEntry(name, c.data));
    const sum = sums === 'xxhash' ? xxh64Hex(c.data) : createHash('sha1').update(c.data).digest('hex');
    out.push(tarEntry(`${name}.${sums}`, Buffer.from(sum, 'ascii')));
  }
  return out;
}

/** A whole XVA: two disks, a full chunk, a 5-second keep-alive (empty) chunk, a short last chunk. */
export function sampleXva(sums: 'xxhash' | 'checksum' = 'xxhash'): Buffer {
  const data = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
  return Buffer.concat([
    ...xvaEntries(
      [
        { disk: 'Ref:1', n: 0, data: data(1 << 20, 1) },
        { disk: 'Ref:1', n: 1, data: Buffer.alloc(0) },
        { disk: 'Ref:1', n: 3, data: data(70_000, 2) },
        { disk: 'Ref:2', n: 0, data: data(4096, 3) },
      ],
      sums,
    ),
    tarTrailer(),
  ]);
}
