// One connection's XAPI records, loaded once and kept current by event.from, the way Xen Orchestra keeps its objects
// (vatesfr/xen-orchestra packages/xen-api/index.mjs `_watchEvents`, `_refreshCachedRecords`, `_processEvents`) on
// the event API of ocaml/xapi/xapi_event.ml (`from`: tokens over database generations, blocking up to a timeout).
import { VendorError, isCancel } from '../../core/errors';
import { sleep } from '../../core/retry';
import { NULL_REF, Ref, SentCall } from './xapiClient';
import { VmLookups, XenGuestMetrics, XenHost, XenVm, isRealVm } from './xenRecords';

/** The classes the cache holds, as `<class>.get_all_records` names them (event.from takes them case-insensitively). */
export const CACHED_CLASSES = [
  'pool',
  'host',
  'VM',
  'VM_guest_metrics',
  'VDI',
  'VBD',
  'SR',
  'PBD',
  'VIF',
  'network',
  'task',
] as const;
export type CachedClass = (typeof CACHED_CLASSES)[number];

/**
 * The classes whose records are read from their reply only when first asked for (all, get, or an event about one of
 * them): the tree's listings read pool, host, VM and VM_guest_metrics (names, placement, IPs), not the disks, NICs,
 * storage or tasks. Their replies are fetched with the others (the same records as before, kept as bytes until then:
 * about 25 of the 49 MB of a 10,000-VM pool), so that the first view waits for the parse of what it shows only.
 */
export const LAZY_CLASSES: ReadonlySet<CachedClass> = new Set(['VDI', 'VBD', 'VIF', 'network', 'SR', 'PBD', 'task']);

/**
 * What the first load asks for once the VM table is in (see reload), in this order: the tables it reads (host,
 * VM_guest_metrics: built first by the server, they are parsed while it builds the rest), then the ones read on first
 * use (LAZY_CLASSES). Derived from CACHED_CLASSES, so a class added there is loaded too (VM_guest_metrics once was not).
 */
const AFTER_VMS: readonly CachedClass[] = [
  ...CACHED_CLASSES.filter((c) => c !== 'pool' && c !== 'VM' && !LAZY_CLASSES.has(c)),
  ...CACHED_CLASSES.filter((c) => LAZY_CLASSES.has(c)),
];

/** An object added, changed or removed, with its record before and after (xapi_event.ml's event `snapshot`). */
export interface RecordChange {
  cls: string;
  op: 'add' | 'mod' | 'del';
  ref: Ref;
  record?: unknown;
  previous?: unknown;
}
/** `reloaded`: every table was fetched again (EVENTS_LOST, a new session, a failure of the event call); `changes` is empty then. */
export type RecordListener = (changes: RecordChange[], reloaded: boolean) => void;

/** What the cache needs from an XapiClient. */
export interface XapiEventSource {
  readonly sessionRef?: string;
  call<T>(method: string, ...params: unknown[]): Promise<T>;
  /** `call`, with the result read on the first call of the function returned, and when its request is out (XapiClient.sendDeferred). */
  sendDeferred<T>(method: string, ...params: unknown[]): SentCall<T>;
  callInSession<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T>;
  login(): Promise<void>;
}

export interface RecordCacheOptions {
  /** event.from's timeout, seconds (xapi blocks up to it when nothing changes). Below the HTTP timeout (60 s). */
  timeoutSeconds?: number;
  /** First delay after a failure of the event call, doubled up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Told about each failure of the loop (it reloads and continues). */
  onError?: (err: unknown) => void;
}

interface EventFromResult {
  events: Array<{ class: string; operation: 'add' | 'mod' | 'del'; ref: Ref; snapshot?: unknown }>;
  token: string;
}

type Table = Record<Ref, unknown>;
/**
 * A get_all_records map as a table: its prototype dropped in place (no copy), so that a ref such as "constructor" or
 * "__proto__" is a plain key (JSON.parse made them own properties).
 */
const asTable = (map: Table): Table => Object.setPrototypeOf(map, null) as Table;
/** A deferred table read at once (as soon as its reply is in), as a reader of the table. */
const readNow = (read: () => Table): (() => Table) => {
  const table = asTable(read());
  return () => table;
};
const lower = (cls: string) => cls.toLowerCase();
const isRef = (r: Ref | undefined): r is Ref => !!r && r !== NULL_REF;

/**
 * Where a real VM is listed: the host it runs on, else (halted) its affinity host, else NULL_REF (the pool).
 * The same rule as XenProvider.listVms's scope.
 */
export function placement(v: XenVm): Ref {
  return isRef(v.resident_on) ? v.resident_on : isRef(v.affinity) ? v.affinity! : NULL_REF;
}

/**
 * Records of CACHED_CLASSES by class and ref, plus an index of real VMs by placement (a host's VMs without a scan).
 * `load()` fetches every class once (the VM table, then the others in parallel: see reload) after taking an event.inject token (taken first, so that nothing
 * that changes during the fetch is missed: XO's "compute the initial token ... before the initial fetch").
 * `catchUp()` applies what changed since (event.from with timeout 0); `watch()` keeps applying it as it happens
 * (event.from blocking up to timeoutSeconds) until the listener is removed or `stop()`. On EVENTS_LOST or a new
 * session the tables are fetched again (XO's `continue mainLoop`); on another failure (a connection reset) after a
 * delay that doubles up to maxBackoffMs.
 */
export class XenRecordCache {
  private readonly tables = new Map<string, Table>();
  /** Tables of LAZY_CLASSES fetched but not read yet: what reads their reply (table()). */
  private readonly unread = new Map<string, () => Table>();
  private readonly byPlacement = new Map<Ref, Set<Ref>>();
  private readonly listeners = new Set<RecordListener>();
  private token = '';
  private loading?: Promise<void>;
  private catching?: Promise<void>;
  private loop?: Promise<void>;
  private abort = new AbortController();
  /** How many times every table was fetched (1 after the first load). */
  loads = 0;

  constructor(
    private readonly xapi: XapiEventSource,
    private readonly opts: RecordCacheOptions = {},
  ) {}

  /** The first load (shared by concurrent callers); a failed one is tried again by the next call. */
  load(): Promise<void> {
    const again = this.loads > 0;
    this.loading ??= this.reload()
      .then(() => {
        if (again) this.emit([], true);
      })
      .catch((err) => {
        this.loading = undefined;
        throw err;
      });
    return this.loading;
  }

  /**
   * Forgets the records: the next read fetches every table again and watchers are told (`reloaded`). For a change
   * no event reports reliably, such as a pool database restore (xapi restarts on the restored database).
   */
  invalidate(): void {
    this.loading = undefined;
  }

  /**
   * Loads if needed, then applies what changed since the last event call (one event.from round trip, without
   * blocking). Skipped when this call's load just fetched everything, and with `live` while the event loop runs (the
   * tree's reads: the loop brings changes as they happen, and a read must not wait for a round trip). Without `live`
   * (reads right after a write of this process: a snapshot just taken) the loop may still be one answer behind.
   */
  async current(live = false): Promise<void> {
    const loads = this.loads;
    await this.load();
    if (this.loads !== loads || (live && this.loop && !this.abort.signal.aborted)) return;
    return this.catchUp();
  }

  /** Every record of a class by ref (the cache's own object: read it, do not change it). */
  all<T>(cls: CachedClass): Record<Ref, T> {
    return (this.table(lower(cls)) ?? {}) as Record<Ref, T>;
  }

  get<T>(cls: CachedClass, ref: Ref): T | undefined {
    return this.all<T>(cls)[ref];
  }

  /** Refs of the real VMs listed under a host (resident, or halted with it as affinity); NULL_REF: placed nowhere. */
  vmsPlacedOn(host: Ref): Ref[] {
    return [...(this.byPlacement.get(host) ?? [])];
  }

  /** Calls `listener` after each batch of changes is applied; starts the event loop. Returns the unsubscribe. */
  watch(listener: RecordListener): () => void {
    this.listeners.add(listener);
    if (!this.loop || this.abort.signal.aborted) {
      if (this.abort.signal.aborted) this.abort = new AbortController(); // a stopped loop ends by itself
      const loop: Promise<void> = this.run(this.abort.signal).finally(() => {
        if (this.loop === loop) this.loop = undefined;
      });
      this.loop = loop;
    }
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) this.stop();
    };
  }

  /** Ends the event loop (its blocked event.from is aborted); the records stay as they are. */
  stop(): void {
    this.abort.abort();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const base = this.opts.backoffMs ?? 250;
    let delay = base;
    let reload = false;
    while (!signal.aborted) {
      const session = this.xapi.sessionRef;
      try {
        if (reload) {
          await this.reload();
          this.emit([], true);
          reload = false;
        } else await this.load();
        if (signal.aborted) return;
        const r = await this.xapi.callInSession<EventFromResult>(
          'event.from',
          [CACHED_CLASSES, this.token, this.opts.timeoutSeconds ?? 30],
          signal,
        );
        this.apply(r);
        delay = base;
      } catch (err) {
        if (signal.aborted || (isCancel(err) && !(err instanceof VendorError))) return;
        this.opts.onError?.(err);
        reload = true;
        const code = err instanceof VendorError ? err.code : undefined;
        // A session that died under the blocked call (logout, xapi restart): a new one, then reload at once.
        if (code === 'SESSION_INVALID' && this.xapi.sessionRef === session) {
          await this.xapi.login().catch((e) => this.opts.onError?.(e));
          continue;
        }
        if (code === 'EVENTS_LOST' || code === 'SESSION_INVALID') continue;
        await sleep(delay, signal).catch(() => undefined);
        delay = Math.min(delay * 2, this.opts.maxBackoffMs ?? 30_000);
      }
    }
  }

  private catchUp(): Promise<void> {
    this.catching ??= this.xapi
      .call<EventFromResult>('event.from', CACHED_CLASSES, this.token, 0)
      .then((r) => this.apply(r))
      .catch(async (err) => {
        if (err instanceof VendorError && err.code === 'EVENTS_LOST') {
          await this.reload();
          this.emit([], true);
        } else throw err;
      })
      .finally(() => {
        this.catching = undefined;
      });
    return this.catching;
  }

  /**
   * Fetches every table after an event.inject token on the pool (XO's order: token, then records): the VM table
   * alone, then the others in parallel, asked once the VM reply is in and before it is parsed.
   *
   * Why in that order: xapi builds each reply whole before sending it (api_server.ml `jsoncallback` fills a Bigbuffer,
   * then `Http_svr.response_fct` writes it with its length), and its request threads share one core (OCaml's runtime
   * lock; the lab: one event loop). Asked with the others, the VM table (half the bytes of a pool) competes with them,
   * its last byte comes with theirs, and all of its parse is left after the last answer. Asked alone, it is built and
   * sent first, and parsed while the server builds the rest; of the rest, the tables read now come first and are
   * parsed as they come, while the server builds the ones read on first use (LAZY_CLASSES, kept as bytes). What is
   * left after the last answer is bookkeeping. Measured in docs/benchmarks.md (first load of a 10,000-VM pool against curl's
   * parallel fetch of the same tables). Each reply's map becomes the table itself (asTable).
   */
  private async reload(): Promise<void> {
    const pools = await this.xapi.call<Table>('pool.get_all_records');
    const pool = Object.keys(pools)[0];
    const token = pool ? await this.xapi.call<string>('event.inject', 'pool', pool) : '';
    const readVms = await this.xapi.sendDeferred<Table>('VM.get_all_records').reply;
    const asked = AFTER_VMS.map((c) => {
      const call = this.xapi.sendDeferred<Table>(`${c}.get_all_records`);
      if (LAZY_CLASSES.has(c)) return call;
      return { sent: call.sent, reply: call.reply.then(readNow) };
    });
    const replies = Promise.all(asked.map((a) => a.reply));
    replies.catch(() => undefined); // awaited below, after the VM table's parse (which may throw first)
    await Promise.all(asked.map((a) => a.sent));
    const vms = asTable(readVms());
    const fetched = await replies;
    this.tables.clear();
    this.unread.clear();
    this.byPlacement.clear();
    this.tables.set('pool', asTable(pools));
    this.tables.set('vm', vms);
    AFTER_VMS.forEach((c, i) =>
      LAZY_CLASSES.has(c) ? this.unread.set(lower(c), fetched[i]) : this.tables.set(lower(c), fetched[i]()),
    );
    for (const [ref, v] of Object.entries(this.all<XenVm>('VM'))) this.place(ref, undefined, v);
    this.token = token;
    this.loads++;
  }

  /** The table of a class (lower case), its reply read now if it was not yet (LAZY_CLASSES). */
  private table(cls: string): Table | undefined {
    const read = this.unread.get(cls);
    if (read) {
      this.tables.set(cls, asTable(read()));
      this.unread.delete(cls);
    }
    return this.tables.get(cls);
  }

  /**
   * Applies one event.from answer unless a later one was applied already (the loop and a catch-up may overlap; each
   * event carries the object's record as it was when the answer was made, so the later answer holds the newer state).
   * Tokens are xapi's `%020Ld,%020Ld` and compare as strings.
   */
  private apply(r: EventFromResult): void {
    if (r.token <= this.token) return;
    // The deferred tables the events are about are read first: a reply that fails to read fails here, before any
    // event is applied or the token moves (the loop then reloads).
    for (const ev of r.events ?? []) this.table(lower(ev.class));
    this.token = r.token;
    const changes: RecordChange[] = [];
    for (const ev of r.events ?? []) {
      const table = this.table(lower(ev.class));
      if (!table) continue;
      const previous = table[ev.ref];
      if (ev.operation === 'del') {
        if (previous === undefined) continue;
        delete table[ev.ref];
      } else {
        table[ev.ref] = ev.snapshot;
      }
      if (lower(ev.class) === 'vm')
        this.place(ev.ref, previous as XenVm | undefined, table[ev.ref] as XenVm | undefined);
      changes.push({
        cls: lower(ev.class),
        op: previous === undefined ? 'add' : ev.operation,
        ref: ev.ref,
        record: table[ev.ref],
        previous,
      });
    }
    if (changes.length) this.emit(changes, false);
  }

  private place(ref: Ref, before: XenVm | undefined, after: XenVm | undefined): void {
    const from = before && isRealVm(before) ? placement(before) : undefined;
    const to = after && isRealVm(after) ? placement(after) : undefined;
    if (from === to) return;
    if (from !== undefined) this.byPlacement.get(from)?.delete(ref);
    if (to !== undefined) {
      let s = this.byPlacement.get(to);
      if (!s) this.byPlacement.set(to, (s = new Set()));
      s.add(ref);
    }
  }

  private emit(changes: RecordChange[], reloaded: boolean): void {
    for (const l of [...this.listeners]) {
      try {
        l(changes, reloaded);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }
}

/** What toVmInfo reads from the cache beyond the VM's record: guest metrics (IP addresses) and host names. */
export function vmLookups(c: Pick<XenRecordCache, 'all'>): VmLookups {
  const hosts = c.all<XenHost>('host');
  return { guestMetrics: c.all<XenGuestMetrics>('VM_guest_metrics'), hostName: (r) => hosts[r]?.name_label };
}

/**
 * Whether a VDI exists (a suspended VM's suspend_VDI), read from the cache only when asked: the VDI table is one of
 * LAZY_CLASSES, and a listing of running and halted VMs does not need it.
 */
export function vdiExists(c: Pick<XenRecordCache, 'get'>): (r: Ref) => boolean {
  return (r) => c.get('VDI', r) !== undefined;
}
