// Checks a gzip-compressed stream (XAPI's /export?use_compression=true) while it streams: the bytes are inflated by
// Node's zlib, which checks the gzip trailer (CRC-32 and length of the content) and says when the stream stops before
// it; the inflated bytes go to a check of the content itself (the XVA's tar structure and chunk checksums).
import * as zlib from 'node:zlib';
import { CorruptStreamError, TruncatedStreamError } from './errors';
import { StreamCheck } from './verifiedWrite';

/** Inflated bytes per piece handed to the inner check. */
const CHUNK_BYTES = 1 << 20;

/** gzip's magic (RFC 1952): a file that starts so is checked as gzip. */
export function isGzip(head: Uint8Array): boolean { return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b; }

/**
 * A StreamCheck of gzip bytes whose inflated content goes through `inner`. `update` copies what it is given (zlib
 * works on it later, in its thread pool) and returns a promise while zlib is behind, so that the download waits
 * instead of queuing memory. `end` resolves once the whole stream was inflated and `inner` agreed. A stream cut
 * before its trailer is a TruncatedStreamError; a CRC or data error a CorruptStreamError.
 */
export function gzipStreamCheck(what: string, inner: StreamCheck): StreamCheck {
  const gunzip = zlib.createGunzip({ chunkSize: CHUNK_BYTES });
  let failed: unknown;
  const done = new Promise<void>((resolve) => {
    gunzip.on('end', resolve);
    gunzip.on('close', resolve);
  });
  gunzip.on('data', (piece: Buffer) => {
    if (failed) return;
    try { void inner.update(piece); } catch (err) { failed = err; gunzip.destroy(); }
  });
  gunzip.on('error', (err: NodeJS.ErrnoException) => { failed ??= zlibError(what, err); });
  const check = (): void => { if (failed) throw failed; };
  return {
    update(chunk: Buffer): Promise<void> | void {
      check();
      if (gunzip.write(Buffer.from(chunk))) return;
      return new Promise<void>((resolve) => {
        const go = (): void => { gunzip.off('drain', go); gunzip.off('close', go); resolve(); };
        gunzip.on('drain', go);
        gunzip.on('close', go);
      }).then(check);
    },
    async end(): Promise<void> {
      check();
      gunzip.end();
      await done;
      check();
      await inner.end();
    },
  };
}

function zlibError(what: string, err: NodeJS.ErrnoException): Error {
  // zlib says "unexpected end of file" (Z_BUF_ERROR) when the input stops before the gzip trailer.
  if (err.code === 'Z_BUF_ERROR') return new TruncatedStreamError(`${what}: the gzip stream ended before its end (connection cut?)`);
  return new CorruptStreamError(`${what}: the gzip stream is damaged (${err.code ?? ''} ${err.message})`);
}
