// zstd for the lab's `use_compression=zstd` (export.ml: Zstd.Default.compress pipes the XVA through zstd) and for
// tests that read such streams. Node 20's zlib has no zstd; zstd-codec is the reference C library compiled to
// WebAssembly (installs offline, no native build). Each piece is compressed as its own zstd frame: a stream of
// concatenated frames is one valid zstd stream (RFC 8878 §3.1), so nothing is held beyond one piece.
import { Transform, TransformCallback } from 'stream';

interface ZstdStreaming {
  compress(data: Uint8Array, level: number): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}
interface ZstdModule {
  Streaming: new () => ZstdStreaming;
}

let codec: Promise<ZstdStreaming> | undefined;
/** The zstd codec, initialised once per process. */
export function zstdCodec(): Promise<ZstdStreaming> {
  // Loaded on first use only (it is large, and external to the CLI bundle: build.mjs).

  codec ??= new Promise((resolve) =>
    (require('zstd-codec') as { ZstdCodec: { run(cb: (z: ZstdModule) => void): void } }).ZstdCodec.run((z) =>
      resolve(new z.Streaming()),
    ),
  );
  return codec;
}

/** Bytes gathered into one frame: one XVA disk chunk with its header and sidecar. */
const FRAME_BYTES = 1024 * 1024 + 2048;

/** A Transform that writes what it is given as zstd frames of about 1 MiB each (level 3, zstd's default). */
export async function createZstd(): Promise<Transform> {
  const z = await zstdCodec();
  let parts: Buffer[] = [];
  let size = 0;
  const frame = (): Buffer => {
    const out = Buffer.from(z.compress(Buffer.concat(parts), 3));
    parts = [];
    size = 0;
    return out;
  };
  return new Transform({
    transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
      parts.push(chunk);
      size += chunk.length;
      try {
        cb(null, size >= FRAME_BYTES ? frame() : undefined);
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb: TransformCallback) {
      try {
        cb(null, size ? frame() : undefined);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/** Whole-buffer decompression of one or more concatenated frames (tests; small inputs). */
export async function unzstd(data: Buffer): Promise<Buffer> {
  return Buffer.from((await zstdCodec()).decompress(data));
}
