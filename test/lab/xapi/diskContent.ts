// Deterministic virtual disk content, derived from (content key, chunk index) without storing it.
import { createHash } from 'crypto';
import { xxh64Hex } from './xxhash64';

export const CHUNK = 1024 * 1024;

export function chunkCount(virtualSize: number): number {
  return Math.max(1, Math.ceil(virtualSize / CHUNK));
}

function seedOf(key: string, chunk: number): number {
  return createHash('sha256').update(`${key}/${chunk}`).digest().readUInt32LE(0) | 1;
}

let dense = false;
/** Dense mode (benchmarks): every chunk holds data, the same 1 MiB per disk, so a 2 GiB export streams 2 GiB cheaply. */
export function setDenseDisks(on: boolean): void {
  dense = on;
}

/** Small disks are mostly data; big ones (>64 MiB) are sparse so a 2 GiB export stays cheap. */
export function isZeroChunk(key: string, chunk: number, virtualSize: number): boolean {
  if (dense) return false;
  const n = chunkCount(virtualSize);
  if (n > 64) return !(chunk < 4 || chunk % 256 === 0);
  return seedOf(key, chunk) % 5 === 0;
}

/** Chunk bytes (last chunk may be shorter than 1 MiB when the size is not a multiple). */
export function chunkData(key: string, chunk: number, virtualSize: number): Buffer {
  const len = Math.min(CHUNK, virtualSize - chunk * CHUNK);
  if (dense && len === CHUNK) {
    // Every full chunk of a dense disk is chunk 0: generate it once, so the lab serves at memory speed and a
    // benchmark measures the client, not the lab's generator. (Callers only read it: sockets copy it out.)
    let c = denseChunks.get(key);
    if (!c) {
      c = generate(key, 0, virtualSize, CHUNK);
      denseChunks.set(key, c);
    }
    return c;
  }
  return generate(key, chunk, virtualSize, len);
}

const denseChunks = new Map<string, Buffer>();

function generate(key: string, chunk: number, virtualSize: number, len: number): Buffer {
  const out = Buffer.alloc(Math.max(0, len));
  if (isZeroChunk(key, chunk, virtualSize)) return out;
  let x = seedOf(key, chunk) >>> 0;
  const words = Math.floor(out.length / 4);
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i * 4);
  }
  return out;
}

const hashCache = new Map<string, string>();

/** Memoised XXH64 of a generated chunk. */
export function chunkHash(key: string, chunk: number, virtualSize: number, data?: Buffer): string {
  if (dense && Math.min(CHUNK, virtualSize - chunk * CHUNK) === CHUNK) chunk = 0;
  const k = `${key}/${chunk}/${virtualSize}`;
  let h = hashCache.get(k);
  if (!h) {
    h = xxh64Hex(data ?? chunkData(key, chunk, virtualSize));
    if (hashCache.size > 20000) hashCache.clear();
    hashCache.set(k, h);
  }
  return h;
}
