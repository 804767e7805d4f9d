// Fails a tar stream that does not end with the end-of-archive marker (two zero 512-byte blocks):
// over a close-delimited HTTP body (XAPI's /export) a connection cut looks like a clean end otherwise.
import { StreamCheck } from './verifiedWrite';
import { TruncatedStreamError } from './errors';

export function tarEndCheck(what: string): StreamCheck {
  // A copy, not a view: the bytes an update sees live in a buffer that is reused once they are written.
  const tail = Buffer.alloc(1024);
  let have = 0;
  return {
    update(chunk: Buffer): void {
      if (chunk.length >= tail.length) { chunk.copy(tail, 0, chunk.length - tail.length); have = tail.length; return; }
      const keep = Math.min(have, tail.length - chunk.length);
      tail.copy(tail, 0, have - keep, have);
      chunk.copy(tail, keep);
      have = keep + chunk.length;
    },
    end(): void {
      if (have !== tail.length || !tail.every((b) => b === 0)) throw new TruncatedStreamError(`${what} ended before the end of the archive (connection cut?)`);
    },
  };
}
