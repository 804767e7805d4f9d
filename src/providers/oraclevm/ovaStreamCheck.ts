// An OVA checked as it streams into the backup repository (a StreamCheck of receiveVerified): the tar is parsed with
// tar-stream in the same pass as the sha256 of the whole file, never held in memory. DMTF DSP0243 (OVF 2.x) §5.3: an
// OVA is a tar archive whose first member is the `.ovf` descriptor, optionally followed by the manifest (`.mf`, lines
// `SHA256(<file>)= <hex>` or `SHA1(<file>)= <hex>`) and a certificate, then the files the descriptor references.
import { createHash, Hash } from 'node:crypto';
import * as tar from 'tar-stream';
import { VendorError, ErrorContext } from '../../core/errors';
import { StreamCheck } from '../../core/verifiedWrite';
import { printable } from './ovmErrors';

/** The product's code for an OVA whose layout, names or digests are not what DSP0243 §5.3 describes. */
export const BAD_OVA = 'OVA_INVALID';

/** What the check saw once the archive ended. */
export interface OvaSummary {
  /** Member names in archive order (the `.ovf` first). */
  members: string[];
  /** The `.mf` member, if any, and how many of its lines were verified (every line is, or the check fails). */
  manifest?: { name: string; verified: number };
}

const ALGORITHMS = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' } as const;
type Algorithm = keyof typeof ALGORITHMS;
/** A manifest line, DSP0243 §5.3: `SHA256(disk1.vmdk)= 3b1f…`. */
const MF_LINE = /^(SHA1|SHA256|SHA512)\(([^()]+)\)\s*=\s*([0-9a-fA-F]+)$/;
const MAX_MF_BYTES = 1024 * 1024;
const MAX_MEMBERS = 10_000;

/**
 * One member name as an OVA may carry it: a single plain file name (DSP0243 §5.3 members sit at the archive's root):
 * no `/` or `\`, not `.`/`..`, no control characters, at most 255 bytes.
 */
export function isPlainMemberName(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\u0000-\u001f\u007f-\u009f]/.test(name) &&
    Buffer.byteLength(name) <= 255
  );
}

/**
 * A StreamCheck that parses the bytes as a tar (tar-stream) and fails (VendorError OVA_INVALID, naming the member and
 * the file) when: the first member is not a `.ovf`; a member is not a regular file or its name is not plain
 * (isPlainMemberName); a `.mf` line is malformed or names a member that is absent or whose digest differs; the tar is
 * cut or malformed; a `.mf` anywhere but right after the descriptor. Each member is hashed as it passes, with the
 * algorithms its manifest lines use (the descriptor, before the manifest, with SHA1, SHA256 and SHA512).
 * `summary()` after `end()`.
 */
export class OvaStreamCheck implements StreamCheck {
  private readonly extract = tar.extract();
  private readonly reading: Promise<void>;
  private failure: unknown;
  private readonly digests = new Map<string, Partial<Record<Algorithm, string>>>();
  private readonly expected: Array<{ algorithm: Algorithm; member: string; hex: string }> = [];
  private readonly members: string[] = [];
  private mf?: { name: string };
  private verified = 0;

  constructor(
    private readonly file: string,
    private readonly context: ErrorContext = {},
  ) {
    this.reading = this.read().catch((e: unknown) => {
      this.failure ??= e;
      this.extract.destroy();
    });
  }

  /** Feeds a copy of `chunk` (its memory is reused by the caller); waits while tar-stream's buffer is full. */
  update(chunk: Buffer): Promise<void> | void {
    if (this.failure) throw this.failure;
    if (this.extract.write(Buffer.from(chunk))) return;
    return Promise.race([new Promise<void>((r) => this.extract.once('drain', () => r())), this.reading]).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** Ends the archive, waits for the last member, then checks every manifest line. */
  async end(): Promise<void> {
    // streamx's typing wants an argument; end() without one ends the writable side.
    if (!this.failure) (this.extract as unknown as { end(): void }).end();
    await this.reading;
    if (this.failure) throw this.failure;
    if (!this.members.length) this.fail('it holds no member (an OVA starts with its .ovf descriptor)');
    if (this.mf) this.checkManifest(this.mf.name);
  }

  summary(): OvaSummary {
    return {
      members: [...this.members],
      manifest: this.mf ? { name: this.mf.name, verified: this.verified } : undefined,
    };
  }

  private async read(): Promise<void> {
    for await (const entry of this.extract) {
      const h = entry.header;
      const name = h.name;
      if (!isPlainMemberName(name)) this.fail(`member "${printable(name).slice(0, 200)}" is not a plain file name`);
      if (h.type !== 'file' && h.type !== 'contiguous-file')
        this.fail(`member "${printable(name)}" is a ${h.type}, not a regular file`);
      if (this.members.length === 0 && !/\.ovf$/i.test(name))
        this.fail(`its first member is "${name}", not the .ovf descriptor (DSP0243 §5.3)`);
      if (this.digests.has(name)) this.fail(`member "${name}" appears twice`);
      if (this.members.length >= MAX_MEMBERS) this.fail(`it has more than ${MAX_MEMBERS} members`);
      const isMf = /\.mf$/i.test(name);
      if (isMf && this.members.length !== 1)
        this.fail(`manifest "${name}" is not the member right after the descriptor (DSP0243 §5.3)`);
      if (isMf && h.size > MAX_MF_BYTES) this.fail(`manifest "${name}" is larger than ${MAX_MF_BYTES} bytes`);
      this.members.push(name);
      // The descriptor comes before the manifest: hashed every way a manifest line may ask. Later members only with
      // the algorithms the manifest uses (none without a manifest), so the check costs what it verifies.
      const algorithms =
        this.members.length === 1
          ? (Object.keys(ALGORITHMS) as Algorithm[])
          : [...new Set(this.expected.map((x) => x.algorithm))];
      const hashes = algorithms.map((a) => [a, createHash(ALGORITHMS[a])] as [Algorithm, Hash]);
      const text: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        for (const [, hash] of hashes) hash.update(chunk);
        if (isMf) text.push(Buffer.from(chunk));
      }
      this.digests.set(name, Object.fromEntries(hashes.map(([a, hash]) => [a, hash.digest('hex')])));
      if (isMf) this.readManifest(name, Buffer.concat(text).toString('utf8'));
    }
  }

  /** The manifest's lines (DSP0243 §5.3), checked for their form now; their digests when the archive has ended. */
  private readManifest(mfName: string, text: string): void {
    this.mf = { name: mfName };
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line) continue;
      const m = MF_LINE.exec(line);
      if (!m)
        this.fail(
          `manifest "${mfName}" has a line that is not "SHA256(file)= hex": "${printable(line).slice(0, 200)}"`,
        );
      this.expected.push({ algorithm: m![1] as Algorithm, member: m![2], hex: m![3].toLowerCase() });
    }
  }

  private checkManifest(mfName: string): void {
    for (const { algorithm, member, hex } of this.expected) {
      const got = this.digests.get(member);
      if (!got)
        this.fail(`manifest "${mfName}" lists "${printable(member).slice(0, 200)}", which is not in the archive`);
      if (got![algorithm] !== hex)
        this.fail(
          `member "${member}" does not match its ${algorithm} digest in "${mfName}" (${algorithm} ${got![algorithm]}, the manifest says ${hex})`,
        );
      this.verified++;
    }
  }

  private fail(why: string): never {
    const e = new VendorError(BAD_OVA, [`${this.file}: ${why}`], this.context);
    this.failure ??= e;
    throw e;
  }
}
