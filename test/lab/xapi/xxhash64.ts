// XXH64, as in an XVA's `.xxhash` entries, through xxhash-wasm (the reference C code compiled to WebAssembly).
// A BigInt port hashed 20–40 MiB/s and was what limited the lab's /import, so a benchmark measured the lab.
import xxhash from 'xxhash-wasm';

let h64: ((input: Uint8Array, seed?: bigint) => bigint) | undefined;

/** Instantiates the WebAssembly module once; the lab awaits it before it listens. */
export async function loadXxh64(): Promise<void> {
  h64 ??= (await xxhash()).h64Raw;
}

/** 16 uppercase hex digits, as in XVA `.xxhash` entries. */
export function xxh64Hex(buf: Uint8Array, seed = 0n): string {
  if (!h64) throw new Error('xxh64Hex before loadXxh64()');
  return h64(buf, seed).toString(16).toUpperCase().padStart(16, '0');
}
