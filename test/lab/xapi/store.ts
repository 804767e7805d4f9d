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

/** A write the event hub hears of: a row added, changed (any field, at any depth) or removed. */
export interface RowWrite {
  cls: string;
  ref: string;
  op: 'add' | 'mod' | 'del';
  gen: number;
}

/** proxy → the plain object it tracks (rows and the maps, sets and records inside them). */
const rawOf = new WeakMap<object, object>();

/** The plain object behind a tracked value (the value itself when it is not tracked). */
export function untracked<T>(v: T): T {
  return (v !== null && typeof v === 'object' ? (rawOf.get(v) ?? v) : v) as T;
}

/** Replaces tracked values inside a plain value by their plain objects, in place (a row never holds a proxy). */
function unwrapDeep<T>(v: T): T {
  const raw = untracked(v);
  if (raw === null || typeof raw !== 'object') return raw;
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x !== null && typeof x === 'object') o[k] = unwrapDeep(x);
  }
  return raw;
}

/** A deep copy of a record (or a value in one) as plain data, tracked or not: what a snapshot or a copy needs. */
export function plainCopy<T>(v: T): T {
  return structuredClone(unwrapDeep(v));
}

/**
 * The write barrier of one row: every assignment or deletion through it or through any object read from it (a
 * field's map, set or record) is a database write on that row (XapiStore.written). Records hold plain JSON data.
 */
class RowTracker implements ProxyHandler<Record<string | symbol, unknown>> {
  private nested?: WeakMap<object, object>;
  constructor(
    private readonly store: XapiStore,
    private readonly cls: string,
    private readonly ref: string,
  ) {}

  /** The tracked view of `o` (a row or a value inside it), one per object and row. */
  wrap<T extends object>(o: T): T {
    this.nested ??= new WeakMap();
    let p = this.nested.get(o);
    if (!p) {
      p = new Proxy(o as Record<string | symbol, unknown>, this);
      this.nested.set(o, p);
      rawOf.set(p, o);
    }
    return p as T;
  }

  get(t: Record<string | symbol, unknown>, k: string | symbol): unknown {
    const v = t[k];
    return v !== null && typeof v === 'object' ? this.wrap(untracked(v)) : v;
  }

  set(t: Record<string | symbol, unknown>, k: string | symbol, v: unknown): boolean {
    const raw = unwrapDeep(v);
    if (Object.is(t[k], raw) && (raw === null || typeof raw !== 'object') && k in t) return true; // no change
    t[k] = raw;
    this.store.written(this.cls, this.ref);
    return true;
  }

  deleteProperty(t: Record<string | symbol, unknown>, k: string | symbol): boolean {
    if (!(k in t)) return true;
    delete t[k];
    this.store.written(this.cls, this.ref);
    return true;
  }

  defineProperty(t: Record<string | symbol, unknown>, k: string | symbol, d: PropertyDescriptor): boolean {
    const ok = Reflect.defineProperty(t, k, 'value' in d ? { ...d, value: unwrapDeep(d.value) } : d);
    this.store.written(this.cls, this.ref);
    return ok;
  }
}

/**
 * The lab's XAPI database. Rows are served as tracked views (`table`, `get`, `must`): writing a field through one —
 * at any depth, `vm.other_config.x = …`, `vm.VBDs.push(…)` — is a write of that row, as every field write in xapi's
 * database is (ocaml/database/db_cache_impl.ml `write_field_locked` → `set_field` bumps the manifest generation and
 * stamps the row's `Stat.modified`, db_cache_types.ml `Row.update`; then `Database.notify (WriteField …)` reaches
 * eventgen.ml and xapi_event.ml's `From.add`, which wakes the blocked event.from calls). `onWrite` is that
 * notification; nothing compares or serialises rows to find changes.
 */
export class XapiStore {
  /** Tracked views of the rows, by class and ref. */
  readonly tables = new Map<string, Map<string, Rec>>();
  /** The plain rows behind them (served as they are by get_all_records, cloned for event snapshots). */
  private readonly rows = new Map<string, Map<string, Rec>>();
  private readonly byUuid = new Map<string, { cls: string; ref: string }>();
  /** VDI ref → key that determines its generated content (shared by snapshots/clones). */
  readonly vdiContent = new Map<string, string>();
  /**
   * ref → database generation at creation / last modification: xapi's `__ctime` / `__mtime` row stats
   * (ocaml/database/db_cache_types.ml `Stat.created` / `Stat.modified`), which event.from compares with its token.
   */
  readonly ctime = new Map<string, number>();
  readonly mtime = new Map<string, number>();
  /** class → the generation of its last write (add, change, removal): event.from skips tables with nothing newer. */
  readonly classGen = new Map<string, number>();
  readonly tombstones: Tombstone[] = [];
  readonly rng: Rng;
  private gen = 0;
  /** Keep the monotonic time of recent writes (writeTimeOf): the lab's `writeTimes` option. */
  writeTimes = false;
  private readonly recentWrites: Array<[number, bigint]> = [];
  /** Called after every write (the event hub wakes its waiting calls). */
  onWrite?: (w: RowWrite) => void;

  constructor(seed: number) {
    this.rng = new Rng(seed);
    for (const c of CLASSES) {
      this.tables.set(c, new Map());
      this.rows.set(c, new Map());
    }
  }

  table(cls: string): Map<string, Rec> {
    const t = this.tables.get(cls);
    if (!t) throw new Error(`unknown class ${cls}`);
    return t;
  }

  /** The plain rows of a class (no write tracking): for serialising them; never write through them. */
  plainTable(cls: string): Map<string, Rec> {
    const t = this.rows.get(cls);
    if (!t) throw new Error(`unknown class ${cls}`);
    return t;
  }

  /** The current database generation (the last one used). */
  generation(): number {
    return this.gen;
  }

  private bump(cls: string): number {
    const g = ++this.gen;
    this.classGen.set(cls, g);
    if (this.writeTimes) {
      this.recentWrites.push([g, process.hrtime.bigint()]);
      if (this.recentWrites.length > 256) this.recentWrites.splice(0, 128);
    }
    return g;
  }

  /** With `writeTimes`: process.hrtime (ns) of the write that used generation `g`, if it is recent. */
  writeTimeOf(g: number): bigint | undefined {
    return this.recentWrites.find(([x]) => x === g)?.[1];
  }

  /**
   * Adds a record; assigns uuid and ref unless present. Fields the XenAPI datamodel declares and `rec` lacks get
   * their datamodel defaults (datamodel.ts), so every record has the full field set xapi sends. The store keeps `rec`
   * itself: later changes must go through the tracked view (`get`/`must`/`table`), not through `rec`.
   */
  add(cls: string, rec: Rec, ref?: string): string {
    const t = this.table(cls);
    unwrapDeep(rec);
    withDefaults(cls, rec);
    if (!rec.uuid) rec.uuid = this.rng.uuid();
    const r = ref ?? `OpaqueRef:${this.rng.uuid()}`;
    this.rows.get(cls)!.set(r, rec);
    t.set(r, new RowTracker(this, cls, r).wrap(rec));
    this.byUuid.set(rec.uuid, { cls, ref: r });
    const g = this.bump(cls);
    this.ctime.set(r, g);
    this.mtime.set(r, g);
    this.onWrite?.({ cls, ref: r, op: 'add', gen: g });
    return r;
  }

  remove(cls: string, ref: string): void {
    const rec = this.rows.get(cls)?.get(ref);
    if (!rec) return;
    this.byUuid.delete(rec.uuid);
    this.table(cls).delete(ref);
    this.rows.get(cls)!.delete(ref);
    const g = this.bump(cls);
    this.tombstones.push({ cls, ref, ctime: this.ctime.get(ref) ?? 0, dtime: g });
    this.ctime.delete(ref);
    this.mtime.delete(ref);
    this.onWrite?.({ cls, ref, op: 'del', gen: g });
  }

  /** A write of a row's field (called by its tracked view): a new generation stamped on the row, then onWrite. */
  written(cls: string, ref: string): number {
    if (!this.rows.get(cls)?.has(ref)) return this.gen; // a row already removed: xapi would fail the write
    const g = this.bump(cls);
    this.mtime.set(ref, g);
    if (this.ctime.get(ref) === undefined) this.ctime.set(ref, g);
    this.onWrite?.({ cls, ref, op: 'mod', gen: g });
    return g;
  }

  /** Marks a row modified (a new generation, as Db_cache_impl.touch_row); returns that generation. */
  touch(cls: string, ref: string): number {
    this.must(cls, ref);
    return this.written(cls, ref);
  }

  /** The plain row behind a ref (for snapshots); undefined when there is none. */
  plain(cls: string, ref: string): Rec | undefined {
    return this.rows.get(cls)?.get(ref);
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
    const [ref, rec] = this.table('pool').entries().next().value!;
    return { ref, rec };
  }

  newMac(): string {
    return this.rng.mac();
  }
}

export { NULL_REF };
