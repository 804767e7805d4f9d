// XXH64 implemented with BigInt (reference: https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md).
const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M, 31n) * P1) & M;
const merge = (acc: bigint, val: bigint): bigint => (((acc ^ round(0n, val)) * P1) + P4) & M;

export function xxh64(buf: Buffer, seed = 0n): bigint {
  const len = buf.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M;
    let v2 = (seed + P2) & M;
    let v3 = seed & M;
    let v4 = (seed - P1) & M;
    const limit = len - 32;
    while (p <= limit) {
      v1 = round(v1, buf.readBigUInt64LE(p));
      v2 = round(v2, buf.readBigUInt64LE(p + 8));
      v3 = round(v3, buf.readBigUInt64LE(p + 16));
      v4 = round(v4, buf.readBigUInt64LE(p + 24));
      p += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else {
    h = (seed + P5) & M;
  }
  h = (h + BigInt(len)) & M;
  while (p + 8 <= len) {
    h ^= round(0n, buf.readBigUInt64LE(p));
    h = (rotl(h, 27n) * P1 + P4) & M;
    p += 8;
  }
  if (p + 4 <= len) {
    h ^= (BigInt(buf.readUInt32LE(p)) * P1) & M;
    h = (rotl(h, 23n) * P2 + P3) & M;
    p += 4;
  }
  while (p < len) {
    h ^= (BigInt(buf[p]) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
    p++;
  }
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

/** 16 uppercase hex digits, as in XVA `.xxhash` entries. */
export function xxh64Hex(buf: Buffer, seed = 0n): string {
  return xxh64(buf, seed).toString(16).toUpperCase().padStart(16, '0');
}
