// Checks an XVA (XAPI's VM export: a tar of ova.xml and 1 MiB disk chunks, each followed by its checksum) while it
// streams, so that a cut or damaged export is never stored as a good backup — whatever the export task says.
//
// The format, as xapi writes and reads it (xapi-project/xen-api, ocaml/xapi/stream_vdi.ml):
// - every VDI is cut into chunks named `<prefix>/<8-digit number>` (`Ref:N/00000000`), numbers increasing per
//   prefix (recv_all_vdi refuses a suffix that does not increase); a chunk may be empty (the 5-second keep-alive
//   block send_one writes while it skips zeros);
// - each chunk is followed by a sidecar `<chunk>.xxhash` holding XXH64 of the chunk as `%016LX` (write_block),
//   or, in exports of older xapi, `<chunk>.checksum` holding SHA-1 as lowercase hex; verify_inline_checksum compares
//   the text exactly;
// - the archive ends with tar's end-of-archive marker (two zero blocks).
//
// Why a tar reader of our own rather than a library: the check sees bytes in memory the network reads into and
// that is reused as soon as it is written (receiveVerified, SlabFile), synchronously, per read. tar-stream and
// node-tar are stream consumers: they keep (views of) what they were given until their consumer reads it, so every
// byte would have to be copied into fresh memory first — the per-read allocation the data path exists to avoid —
// and their verdict comes asynchronously. What an XVA needs is the ustar header (name, size, checksum) of regular
// files, checked strictly; the header is copied into 512 bytes of our own, data is hashed where it lies.
import { createHash, Hash } from 'node:crypto';
import xxhash from 'xxhash-wasm';
import { CorruptStreamError, TruncatedStreamError } from './errors';
import { StreamCheck } from './verifiedWrite';
import { gzipStreamCheck, zstdStreamCheck } from './compressedStreamCheck';

const BLOCK = 512;
/** ova.xml is kilobytes; a sidecar is 16 (XXH64) or 40 (SHA-1) characters. */
const MAX_OVA_XML = 16 << 20;
const MAX_SIDECAR = 128;
const CHUNK_NAME = /^(.+)\/(\d{8})$/;
const SIDECAR_NAME = /^(.+\/\d{8})\.(xxhash|checksum)$/;

type Xxh = Awaited<ReturnType<typeof xxhash>>;
let wasm: Promise<Xxh> | undefined;
/** The XXH64 WebAssembly module, instantiated once per process. */
function loadXxhash(): Promise<Xxh> {
  return (wasm ??= xxhash());
}

type Kind = 'xxhash' | 'checksum';

interface Entry {
  name: string;
  size: number;
}

/** What the check found: entries seen and disk chunks whose checksum matched. */
export interface XvaSummary {
  entries: number;
  chunks: number;
  checksums: Kind | 'none';
}

/**
 * A StreamCheck for a whole XVA: tar structure (every header's checksum, sizes, padding, the end-of-archive marker,
 * nothing but zeros after it), ova.xml as the first entry, and every disk chunk against its `.xxhash` / `.checksum`
 * sidecar. `what` names the stream in errors. A stream that ends early throws TruncatedStreamError (worth a retry);
 * one whose content is wrong throws CorruptStreamError.
 */
export async function xvaStreamCheck(what: string): Promise<StreamCheck & { summary(): XvaSummary }> {
  return new XvaCheck(what, await loadXxhash());
}

class XvaCheck implements StreamCheck {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private entry?: Entry;
  private dataLeft = 0;
  private padLeft = 0;
  private zeroBlocks = 0;
  private ended = false;
  private entries = 0;
  private chunks = 0;
  private offset = 0;
  /** The algorithm of the sidecars, once the first one was seen; before that, a chunk is hashed both ways. */
  private kind?: Kind;
  private xxh?: ReturnType<Xxh['create64']>;
  private sha?: Hash;
  /** The chunk whose sidecar must come next, with its digests. */
  private awaiting?: { name: string; xxhash?: string; checksum?: string };
  private sidecar?: Buffer[];
  private sidecarBytes = 0;
  private lastSuffix = new Map<string, string>();

  constructor(
    private readonly what: string,
    private readonly wasm: Xxh,
  ) {}

  summary(): XvaSummary {
    return { entries: this.entries, chunks: this.chunks, checksums: this.kind ?? 'none' };
  }

  update(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.ended) {
        // tar pads an archive to its record size with zeros; anything else after the marker is not this archive.
        for (; at < chunk.length; at++)
          if (chunk[at] !== 0) this.corrupt(`data after the end-of-archive marker at byte ${this.offset + at}`);
        break;
      }
      if (this.entry && this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, chunk.length - at);
        this.data(chunk.subarray(at, at + n));
        at += n;
        if ((this.dataLeft -= n) === 0) this.endEntry();
      } else if (this.padLeft > 0) {
        const n = Math.min(this.padLeft, chunk.length - at);
        for (let i = at; i < at + n; i++)
          if (chunk[i] !== 0) this.corrupt(`non-zero tar padding at byte ${this.offset + i}`);
        at += n;
        this.padLeft -= n;
      } else {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        at += n;
        if ((this.headerFill += n) === BLOCK) this.onHeader(this.offset + at - BLOCK);
      }
    }
    this.offset += chunk.length;
  }

  end(): void {
    if (!this.ended) {
      const where = this.entry
        ? `inside ${this.entry.name}`
        : this.awaiting
          ? `before the checksum of ${this.awaiting.name}`
          : 'before the end-of-archive marker';
      throw new TruncatedStreamError(`${this.what} ended at byte ${this.offset}, ${where} (connection cut?)`);
    }
  }

  private onHeader(at: number): void {
    this.headerFill = 0;
    if (this.header.every((b) => b === 0)) {
      if (this.zeroBlocks++ === 0) return;
      if (this.awaiting) this.corrupt(`${this.awaiting.name} has no checksum entry`);
      if (this.entries === 0) this.corrupt('an empty archive');
      this.ended = true;
      return;
    }
    if (this.zeroBlocks) this.corrupt(`a zero block inside the archive at byte ${at - BLOCK}`);
    const e = parseHeader(this.header, (m) => this.corrupt(`${m} at byte ${at}`));
    this.entries++;
    this.entry = e;
    this.dataLeft = e.size;
    this.padLeft = (BLOCK - (e.size % BLOCK)) % BLOCK;
    this.beginEntry(e);
    if (e.size === 0) this.endEntry();
  }

  private beginEntry(e: Entry): void {
    if (this.entries === 1 && e.name !== 'ova.xml') this.corrupt(`first entry is "${e.name}", not ova.xml`);
    if (e.name === 'ova.xml' && e.size > MAX_OVA_XML) this.corrupt(`ova.xml of ${e.size} bytes`);
    const side = SIDECAR_NAME.exec(e.name);
    if (side) {
      if (this.awaiting?.name !== side[1]) this.corrupt(`checksum entry ${e.name} does not follow its chunk`);
      if (e.size > MAX_SIDECAR) this.corrupt(`checksum entry ${e.name} of ${e.size} bytes`);
      this.sidecar = [];
      this.sidecarBytes = 0;
      return;
    }
    if (this.awaiting) this.corrupt(`${this.awaiting.name} is followed by ${e.name}, not by its checksum`);
    const chunk = CHUNK_NAME.exec(e.name);
    if (!chunk) return;
    const last = this.lastSuffix.get(chunk[1]);
    if (last !== undefined && chunk[2] <= last)
      this.corrupt(`chunk ${e.name} after ${chunk[1]}/${last} (numbers must increase)`);
    this.lastSuffix.set(chunk[1], chunk[2]);
    if (this.kind !== 'checksum') this.xxh = this.wasm.create64();
    if (this.kind !== 'xxhash') this.sha = createHash('sha1');
    this.awaiting = { name: e.name };
  }

  private data(bytes: Buffer): void {
    if (this.sidecar) {
      this.sidecar.push(Buffer.from(bytes));
      this.sidecarBytes += bytes.length;
    } else if (this.xxh || this.sha) {
      this.xxh?.update(bytes);
      this.sha?.update(bytes);
    }
  }

  private endEntry(): void {
    const e = this.entry!;
    this.entry = undefined;
    if (this.sidecar) {
      const text = Buffer.concat(this.sidecar, this.sidecarBytes).toString('latin1');
      this.sidecar = undefined;
      this.checkSidecar(e.name, text);
    } else if (this.awaiting && (this.xxh || this.sha)) {
      if (this.xxh) this.awaiting.xxhash = this.xxh.digest().toString(16).toUpperCase().padStart(16, '0');
      if (this.sha) this.awaiting.checksum = this.sha.digest('hex');
      this.xxh = undefined;
      this.sha = undefined;
    }
  }

  private checkSidecar(name: string, text: string): void {
    const chunk = this.awaiting!;
    const kind: Kind = name.endsWith('.xxhash') ? 'xxhash' : 'checksum';
    const computed = chunk[kind];
    if (computed === undefined) this.corrupt(`${name}: the archive mixes .xxhash and .checksum entries`);
    if (text !== computed)
      this.corrupt(
        `${chunk.name}: checksum mismatch (${name} says ${JSON.stringify(text.slice(0, 64))}, the data hashes to ${computed})`,
      );
    this.kind = kind;
    this.awaiting = undefined;
    this.chunks++;
  }

  private corrupt(message: string): never {
    throw new CorruptStreamError(`${this.what}: ${message}`);
  }
}

/** A ustar / v7 header of a regular file, checked strictly (checksum, octal size, type). */
function parseHeader(h: Buffer, fail: (message: string) => never): Entry {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 32 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const stored = octal(h, 148, 8);
  if (stored === undefined || (stored !== unsigned && stored !== signed)) fail('tar header checksum mismatch');
  const type = h[156];
  // '0' and NUL: regular file. Anything else (links, directories, GNU long names, pax headers) is no part of an XVA.
  if (type !== 0x30 && type !== 0) fail(`tar entry of type ${JSON.stringify(String.fromCharCode(type))}`);
  const size = octal(h, 124, 12);
  if (size === undefined) fail('unreadable tar entry size');
  const prefix = h.toString('latin1', 257, 262) === 'ustar' ? cstring(h, 345, 500) : '';
  const name = (prefix ? prefix + '/' : '') + cstring(h, 0, 100);
  if (!name) fail('tar entry without a name');
  return { name, size: size! };
}

function cstring(h: Buffer, from: number, to: number): string {
  const end = h.indexOf(0, from);
  return h.toString('utf8', from, end < 0 || end > to ? to : end);
}

/** An octal field: digits, padded with spaces or NULs. Undefined when it holds anything else. */
function octal(h: Buffer, from: number, len: number): number | undefined {
  const text = h
    .toString('latin1', from, from + len)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  return /^[0-7]{1,12}$/.test(text) ? parseInt(text, 8) : undefined;
}

/**
 * The check for an XVA as it is stored or streamed: the XVA check itself, behind a gzip or zstd check when the export
 * was compressed (`use_compression=true` / `zstd`). `what` names the stream in errors.
 */
export async function xvaCheck(what: string, compression?: 'gzip' | 'zstd'): Promise<StreamCheck> {
  const xva = await xvaStreamCheck(what);
  if (compression === 'gzip') return gzipStreamCheck(what, xva);
  if (compression === 'zstd') return zstdStreamCheck(what, xva);
  return xva;
}
