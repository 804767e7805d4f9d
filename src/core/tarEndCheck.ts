// A pass-through that fails a tar stream which does not end with the end-of-archive marker (two zero 512-byte blocks):
// over a close-delimited HTTP body (XAPI's /export) a connection cut looks like a clean end otherwise.
import { Transform } from 'node:stream';

export class TruncatedStreamError extends Error {
  readonly code = 'ERR_TRUNCATED_STREAM';
  constructor(what: string) { super(`${what} ended before the end of the archive (connection cut?)`); this.name = 'TruncatedStreamError'; }
}

export function tarEndCheck(what: string): Transform {
  let tail: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      tail = chunk.length >= 1024 ? chunk.subarray(chunk.length - 1024) : Buffer.concat([tail, chunk]).subarray(-1024);
      cb(null, chunk);
    },
    flush(cb) {
      cb(tail.length === 1024 && tail.every((b) => b === 0) ? null : new TruncatedStreamError(what));
    },
  });
}
