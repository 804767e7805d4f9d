// Test bytes that differ from their neighbours at every shift a transfer could get wrong (a byte, a block, a buffer).

/** `n` bytes; byte i is (7i + i/256) mod 256, so no two windows of a few hundred bytes are alike. */
export function pattern(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
}
