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

export interface TarEntryHeader { name: string; size: number }

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

/**
 * Incremental parser: feed arbitrary slices; each entry's data is delivered as a whole Buffer
 * (entries are small: ova.xml or 1 MiB chunks). Never holds more than one entry.
 */
export class TarParser {
  private buf: Buffer[] = [];
  private buffered = 0;
  private current?: TarEntryHeader;
  private zeroBlocks = 0;
  ended = false;

  constructor(private onEntry: (h: TarEntryHeader, data: Buffer) => void) {}

  private take(n: number): Buffer | undefined {
    if (this.buffered < n) return undefined;
    const all = this.buf.length === 1 ? this.buf[0] : Buffer.concat(this.buf);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buf = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.buf.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (!this.current) {
        const h = this.take(BLOCK);
        if (!h) return;
        if (h.every((b) => b === 0)) {
          if (++this.zeroBlocks === 2) { this.ended = true; return; }
          continue;
        }
        this.zeroBlocks = 0;
        this.current = parseHeader(h);
      } else {
        const total = this.current.size + padLength(this.current.size);
        const d = this.take(total);
        if (!d) return;
        const entry = this.current;
        this.current = undefined;
        this.onEntry(entry, Buffer.from(d.subarray(0, entry.size)));
      }
    }
  }

  /** True once the end-of-archive marker (two zero blocks) was seen. */
  get complete(): boolean {
    return this.ended;
  }
}
