// ustar writer (headers built by hand) and an incremental tar parser.
export const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(name: string, size: number, mtime = 0): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

export const padLength = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

export function tarPadding(size: number): Buffer {
  return Buffer.alloc(padLength(size), 0);
}

export const tarTrailer = (): Buffer => Buffer.alloc(BLOCK * 2, 0);

/** Whole small entry: header + data + padding. */
export function tarEntry(name: string, data: Buffer): Buffer {
  return Buffer.concat([tarHeader(name, data.length), data, tarPadding(data.length)]);
}

export interface TarEntryHeader {
  name: string;
  size: number;
}

function parseHeader(h: Buffer): TarEntryHeader {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  const stored = parseInt(h.toString('ascii', 148, 156).replace(/[\0 ]/g, ''), 8);
  if (stored !== sum) throw new Error('tar header checksum mismatch');
  const cstr = (a: number, b: number): string => {
    const s = h.toString('utf8', a, b);
    const z = s.indexOf('\0');
    return z < 0 ? s : s.slice(0, z);
  };
  const prefix = h.toString('ascii', 257, 262) === 'ustar' ? cstr(345, 500) : '';
  const name = (prefix ? prefix + '/' : '') + cstr(0, 100);
  const size = parseInt(cstr(124, 136).trim() || '0', 8);
  return { name, size };
}

/** Where one entry's data goes: `data` sees views that are valid only during the call, `end` follows the last one. */
export interface TarEntrySink {
  data(chunk: Buffer): void;
  end(): void;
}

/**
 * Incremental parser: feed arbitrary slices; each entry's data streams to the sink `open` gives for its header, so
 * a 1 MiB disk chunk is neither gathered nor copied here (the lab's /import spent its CPU on those copies and on
 * collecting their garbage, and a benchmark against it measured that).
 */
export class TarParser {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private sink?: TarEntrySink;
  private dataLeft = 0;
  private padLeft = 0;
  private zeroBlocks = 0;
  ended = false;

  constructor(private open: (h: TarEntryHeader) => TarEntrySink) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.sink) {
        const n = Math.min(this.dataLeft, chunk.length - at);
        this.sink.data(chunk.subarray(at, at + n));
        at += n;
        if ((this.dataLeft -= n) === 0) this.endEntry();
      } else if (this.padLeft > 0) {
        const n = Math.min(this.padLeft, chunk.length - at);
        at += n;
        this.padLeft -= n;
      } else {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        at += n;
        if ((this.headerFill += n) === BLOCK) this.onHeader();
      }
    }
  }

  private onHeader(): void {
    this.headerFill = 0;
    if (this.header.every((b) => b === 0)) {
      if (++this.zeroBlocks === 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    const h = parseHeader(this.header);
    this.sink = this.open(h);
    this.dataLeft = h.size;
    this.padLeft = padLength(h.size);
    if (h.size === 0) this.endEntry();
  }

  private endEntry(): void {
    const sink = this.sink!;
    this.sink = undefined;
    sink.end();
  }

  /** True once the end-of-archive marker (two zero blocks) was seen. */
  get complete(): boolean {
    return this.ended;
  }
}

/** A sink that gathers an entry of at most `max` bytes into one Buffer (ova.xml, a checksum sidecar). */
export function collectEntry(max: number, onData: (data: Buffer) => void): TarEntrySink {
  const parts: Buffer[] = [];
  let size = 0;
  return {
    data: (c) => {
      if ((size += c.length) > max) throw new Error(`tar entry larger than ${max} bytes`);
      parts.push(Buffer.from(c));
    },
    end: () => onData(Buffer.concat(parts)),
  };
}

/** A sink that drops an entry's data. */
export const skipEntry = (): TarEntrySink => ({ data: () => undefined, end: () => undefined });
