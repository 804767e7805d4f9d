// The XVA body after ova.xml, as stream_vdi.ml send_one writes it: per disk, `Ref:N/%08d` chunk entries of 1 MiB
// (the last only as long as the disk's remaining bytes), each followed by its `.xxhash` sidecar (%016LX of XXH64);
// all-zero chunks skipped except the first and last; after `keepAliveMs` without a write, a zero-length entry (with
// its sidecar) keeps firewalls from closing the idle connection, and the chunk numbers go on from it.
import { setTimeout as sleep } from 'node:timers/promises';
import { chunkCount, chunkData, chunkHash, isZeroChunk } from './diskContent';
import { OvaDisk } from './ovaXml';
import { XapiStore } from './store';
import { tarEntry, tarHeader, tarPadding, tarTrailer } from './tar';
import { xxh64Hex } from './xxhash64';

/** stream_vdi.ml: `timeout = Mtime.Span.(5 * s)`. */
export const XAPI_KEEPALIVE_MS = 5000;

export interface XvaStreamOptions {
  keepAliveMs: number;
  /** The source pauses before this chunk of the first disk (a lab fault). */
  pause?: { atChunk: number; ms: number };
  onProgress: (fraction: number) => void;
  /** /export_raw_vdi?format=tar: the chunk entries without ova.xml. */
  skipOvaXml?: boolean;
}

const sidecar = (name: string, hex: string): Buffer => tarEntry(`${name}.xxhash`, Buffer.from(hex, 'ascii'));

/** ova.xml, the disks' chunk entries, the end-of-archive marker: pieces of a tar stream, generated lazily. */
export async function* xvaParts(
  store: XapiStore,
  xml: string,
  disks: OvaDisk[],
  o: XvaStreamOptions,
): AsyncGenerator<Buffer> {
  if (!o.skipOvaXml) yield tarEntry('ova.xml', Buffer.from(xml, 'utf8'));
  const total = disks.reduce((n, d) => n + chunkCount(d.size), 0) || 1;
  let done = 0;
  let lastWrite = Date.now();
  const emptyHash = xxh64Hex(Buffer.alloc(0));
  for (const [di, d] of disks.entries()) {
    const key = store.vdiContent.get(d.vdiRef) ?? d.vdiRef;
    const n = chunkCount(d.size);
    let no = 0; // the entry number: it runs ahead of the chunk index once keep-alive entries were written
    for (let c = 0; c < n; c++, no++) {
      done++;
      if (di === 0 && o.pause?.atChunk === c) await sleep(o.pause.ms);
      const firstOrLast = c === 0 || c === n - 1;
      if (!firstOrLast && Date.now() - lastWrite > o.keepAliveMs) {
        const name = `${d.id}/${String(no++).padStart(8, '0')}`;
        yield Buffer.concat([tarHeader(name, 0), sidecar(name, emptyHash)]);
        lastWrite = Date.now();
      }
      if (!firstOrLast && isZeroChunk(key, c, d.size)) continue;
      const data = chunkData(key, c, d.size);
      const name = `${d.id}/${String(no).padStart(8, '0')}`;
      yield tarHeader(name, data.length);
      yield data;
      yield tarPadding(data.length);
      yield sidecar(name, chunkHash(key, c, d.size, data));
      lastWrite = Date.now();
      o.onProgress(done / total);
    }
  }
  yield tarTrailer();
}
