// XXH64, as in an XVA's `.xxhash` entries, through xxhash-wasm (the reference C code compiled to WebAssembly).
// A BigInt port hashed 20–40 MiB/s and was what limited the lab's /import, so a benchmark measured the lab.
import xxhash from 'xxhash-wasm';

type Hasher = Awaited<ReturnType<typeof xxhash>>;
let wasm: Hasher | undefined;

/** Instantiates the WebAssembly module once; the lab awaits it before it listens. */
export async function loadXxh64(): Promise<void> {
  wasm ??= await xxhash();
}

function loaded(): Hasher {
  if (!wasm) throw new Error('XXH64 before loadXxh64()');
  return wasm;
}

const hex = (h: bigint): string => h.toString(16).toUpperCase().padStart(16, '0');

/** 16 uppercase hex digits, as in XVA `.xxhash` entries. */
export function xxh64Hex(buf: Uint8Array, seed = 0n): string {
  return hex(loaded().h64Raw(buf, seed));
}

/** XXH64 of data that arrives in pieces: `update` each piece, then `hex()` once. */
export function xxh64Stream(seed = 0n): { update(piece: Uint8Array): void; hex(): string } {
  const h = loaded().create64(seed);
  return {
    update: (piece) => {
      h.update(piece);
    },
    hex: () => hex(h.digest()),
  };
}
