// Checks a compressed stream (XAPI's /export?use_compression=true: gzip; =zstd on XCP-ng 8.3 / recent xapi) while it
// streams: the bytes are decompressed as they land and the result goes to a check of the content itself (the XVA's
// tar structure and chunk checksums).
// - gzip: Node's zlib, which checks the gzip trailer (CRC-32 and length of the content) and says when the stream
//   stops before it.
// - zstd: Node 20 has no zstd; fzstd (pure JS, synchronous push API) decodes it and says when the input stops
//   inside a frame. fzstd skips a frame's optional content checksum: the XVA inside carries its own XXH64 per chunk.
import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { CorruptStreamError, TruncatedStreamError } from './errors';
import { StreamCheck } from './verifiedWrite';

/** Inflated bytes per piece handed to the inner check. */
const CHUNK_BYTES = 1 << 20;

/** The compression a stored file starts with: gzip's magic (RFC 1952) or a zstd frame's (RFC 8878); else undefined. */
export function compressionOf(head: Uint8Array): 'gzip' | 'zstd' | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return undefined;
}

/**
 * A StreamCheck of zstd bytes whose decoded content goes through `inner`. fzstd keeps (views of) its input between
 * pushes, so each piece is copied first. A stream cut inside a frame is a TruncatedStreamError; undecodable data a
 * CorruptStreamError.
 */
export function zstdStreamCheck(what: string, inner: StreamCheck): StreamCheck {
  let failed: unknown;
  const zstd = new Decompress((piece) => {
    if (failed) return;
    try {
      void inner.update(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    } catch (err) {
      failed = err;
    }
  });
  const push = (chunk: Uint8Array, final: boolean): void => {
    if (failed) throw failed;
    try {
      zstd.push(chunk, final);
    } catch (err) {
      failed ??= zstdError(what, err as Error & { code?: number });
    }
    if (failed) throw failed;
  };
  return {
    update: (chunk) => push(Buffer.from(chunk), false),
    async end() {
      push(new Uint8Array(0), true);
      await inner.end();
    },
  };
}

function zstdError(what: string, err: Error & { code?: number }): Error {
  // fzstd's code 5: "unexpected EOF" — the input stopped inside a frame.
  if (err.code === 5)
    return new TruncatedStreamError(`${what}: the zstd stream ended before its end (connection cut?)`);
  return new CorruptStreamError(`${what}: the zstd stream is damaged (${err.message})`);
}

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
    try {
      void inner.update(piece);
    } catch (err) {
      failed = err;
      gunzip.destroy();
    }
  });
  gunzip.on('error', (err: NodeJS.ErrnoException) => {
    failed ??= zlibError(what, err);
  });
  const check = (): void => {
    if (failed) throw failed;
  };
  return {
    update(chunk: Buffer): Promise<void> | void {
      check();
      if (gunzip.write(Buffer.from(chunk))) return;
      return new Promise<void>((resolve) => {
        const go = (): void => {
          gunzip.off('drain', go);
          gunzip.off('close', go);
          resolve();
        };
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
  if (err.code === 'Z_BUF_ERROR')
    return new TruncatedStreamError(`${what}: the gzip stream ended before its end (connection cut?)`);
  return new CorruptStreamError(`${what}: the gzip stream is damaged (${err.code ?? ''} ${err.message})`);
}
