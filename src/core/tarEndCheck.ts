// Fails a tar stream that does not end with the end-of-archive marker (two zero 512-byte blocks):
// over a close-delimited HTTP body (XAPI's /export) a connection cut looks like a clean end otherwise.
import { StreamCheck } from './observedFile';

export class TruncatedStreamError extends Error {
  readonly code = 'ERR_TRUNCATED_STREAM';
  constructor(what: string) { super(`${what} ended before the end of the archive (connection cut?)`); this.name = 'TruncatedStreamError'; }
}

export function tarEndCheck(what: string): StreamCheck {
  let tail: Buffer = Buffer.alloc(0);
  return {
    update(chunk: Buffer): void {
      tail = chunk.length >= 1024 ? chunk.subarray(chunk.length - 1024) : Buffer.concat([tail, chunk]).subarray(-1024);
    },
    end(): void {
      if (tail.length !== 1024 || !tail.every((b) => b === 0)) throw new TruncatedStreamError(what);
    },
  };
}
