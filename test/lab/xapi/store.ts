// In-memory XAPI object store: classes keyed by ref, a uuid index, and the seeded inventory.
import { NULL_REF, XapiError } from './errors';
import { withDefaults } from './datamodel';

export type Rec = Record<string, any>;

export const CLASSES = [
  'pool',
  'host',
  'VM',
  'VM_guest_metrics',
  'VBD',
  'VDI',
  'SR',
  'PBD',
  'VIF',
  'network',
  'task',
  'session',
] as const;
const CANONICAL = new Map<string, string>(CLASSES.map((c) => [c.toLowerCase(), c]));

export function canonicalClass(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}

/** XAPI datetime: basic date + extended time, e.g. 20230305T18:18:29Z */
export function xapiDate(d: Date = new Date()): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/^(\d{4})-(\d{2})-(\d{2})/, '$1$2$3');
}

/** Seeded PRNG (mulberry32) so inventories are reproducible. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(this.next() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }
  mac(): string {
    const b = [0x02, ...Array.from({ length: 5 }, () => Math.floor(this.next() * 256))];
    return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
  }
}

/** A removed row, kept (as xapi's database keeps deleted rows) so event.from can report its deletion. */
export interface Tombstone {
  cls: string;
  ref: string;
  ctime: number;
  dtime: number;
}

export class XapiStore {
  readonly tables = new Map<string, Map<string, Rec>>();
  private readonly byUuid = new Map<string, { cls: string; ref: string }>();
  /** VDI ref → key that determines its generated content (shared by snapshots/clones). */
  readonly vdiContent = new Map<string, string>();
  /**
   * ref → database generation at creation / last modification: xapi's `__ctime` / `__mtime` row stats
   * (ocaml/database/db_cache_types.ml), which event.from compares with its token.
   */
  readonly ctime = new Map<string, number>();
  readonly mtime = new Map<string, number>();
  readonly tombstones: Tombstone[] = [];
  readonly rng: Rng;
  private gen = 0;
  /** Called after every add, remove and touch (the event hub schedules a sweep for in-place changes). */
  onChange?: () => void;

  constructor(seed: number) {
    this.rng = new Rng(seed);
    for (const c of CLASSES) this.tables.set(c, new Map());
  }

  table(cls: string): Map<string, Rec> {
    const t = this.tables.get(cls);
    if (!t) throw new Error(`unknown class ${cls}`);
    return t;
  }

  /** The current database generation (the last one used). */
  generation(): number {
    return this.gen;
  }

  /**
   * Adds a record; assigns uuid and ref unless present. Fields the XenAPI datamodel declares and `rec` lacks get
   * their datamodel defaults (datamodel.ts), so every record has the full field set xapi sends.
   */
  add(cls: string, rec: Rec, ref?: string): string {
    withDefaults(cls, rec);
    if (!rec.uuid) rec.uuid = this.rng.uuid();
    const r = ref ?? `OpaqueRef:${this.rng.uuid()}`;
    this.table(cls).set(r, rec);
    this.byUuid.set(rec.uuid, { cls, ref: r });
    const g = ++this.gen;
    this.ctime.set(r, g);
    this.mtime.set(r, g);
    this.onChange?.();
    return r;
  }

  remove(cls: string, ref: string): void {
    const rec = this.table(cls).get(ref);
    if (!rec) return;
    this.byUuid.delete(rec.uuid);
    this.table(cls).delete(ref);
    this.tombstones.push({ cls, ref, ctime: this.ctime.get(ref) ?? 0, dtime: ++this.gen });
    this.ctime.delete(ref);
    this.mtime.delete(ref);
    this.onChange?.();
  }

  /** Tells the event hub that records changed in place (a task's progress, a field set by a handler). */
  notify(): void {
    this.onChange?.();
  }

  /** Records that a row changed in place (found by the event hub's sweep): a new generation, no onChange. */
  markModified(ref: string): number {
    const g = ++this.gen;
    this.mtime.set(ref, g);
    return g;
  }

  /** Marks a row modified (a new generation, as Db_cache_impl.touch_row); returns that generation. */
  touch(cls: string, ref: string): number {
    this.must(cls, ref);
    const g = ++this.gen;
    this.mtime.set(ref, g);
    this.onChange?.();
    return g;
  }

  get(cls: string, ref: string): Rec | undefined {
    return this.table(cls).get(ref);
  }

  /** Like get, but HANDLE_INVALID [class, ref] when missing. */
  must(cls: string, ref: unknown): Rec {
    const r = typeof ref === 'string' ? this.get(cls, ref) : undefined;
    if (!r) throw new XapiError('HANDLE_INVALID', [cls, String(ref)]);
    return r;
  }

  refByUuid(cls: string, uuid: unknown): string {
    const e = typeof uuid === 'string' ? this.byUuid.get(uuid) : undefined;
    if (!e || e.cls !== cls || !this.table(cls).has(e.ref)) throw new XapiError('UUID_INVALID', [cls, String(uuid)]);
    return e.ref;
  }

  /** ref or uuid → ref (HTTP handlers accept both). */
  resolve(cls: string, refOrUuid: string): string {
    if (this.table(cls).has(refOrUuid)) return refOrUuid;
    return this.refByUuid(cls, refOrUuid);
  }

  pool(): { ref: string; rec: Rec } {
    const [ref, rec] = [...this.table('pool')][0];
    return { ref, rec };
  }

  newMac(): string {
    return this.rng.mac();
  }
}

export { NULL_REF };
