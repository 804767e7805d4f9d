// XenAPI events as ocaml/xapi/xapi_event.ml serves them: event.from (tokens over database generations, blocking up
// to a timeout, `*` / class / class/ref subscriptions), event.inject, and the deprecated event.register / next /
// unregister queue (EVENTS_LOST, SESSION_NOT_REGISTERED).
//
// Every write of the store is an event, as in xapi's database: the write stamps the row with a new generation
// (store.ts, `Stat.modified`) and signals the hub, which wakes the blocked calls (xapi_event.ml `From.add` broadcasts
// its condition, `From.wait2` waits on it). A woken event.from compares each row's generation with its token
// (`Table.fold_over_recent`) and serialises only the rows that changed; nothing runs while nothing is written.
import { XapiError } from './errors';
import { CLASSES, RowWrite, XapiStore, plainCopy } from './store';

type Sub = { kind: 'all' } | { kind: 'class'; cls: string } | { kind: 'object'; cls: string; ref: string };

/** An event as xapi marshals it (Event_types.event): `id` is the generation (event.from) or queue id (event.next). */
export interface XapiEvent {
  id: string;
  timestamp: string;
  class: string;
  operation: 'add' | 'mod' | 'del';
  ref: string;
  snapshot?: Record<string, unknown>;
}

/** Classes whose rows generate events (datamodel gen_events); sessions do not. */
const EVENT_CLASSES = CLASSES.filter((c) => c !== 'session');

/** xapi's Token.to_string: two zero-padded generations, so tokens compare as strings. */
export function formatToken(last: number, lastMsg = 0): string {
  return `${String(last).padStart(20, '0')},${String(lastMsg).padStart(20, '0')}`;
}

function parseToken(token: string): number {
  if (token === '') return 0;
  const parts = token.split(',');
  if (parts.length !== 2 || !parts.every((p) => /^-?\d+$/.test(p)))
    throw new XapiError('EVENT_FROM_TOKEN_PARSE_FAILURE', [token]);
  return Number(parts[0]);
}

function parseSubs(classes: unknown): Sub[] {
  if (!Array.isArray(classes)) throw new XapiError('FIELD_TYPE_ERROR', ['classes']);
  return classes.map((raw) => {
    const x = String(raw);
    if (x === '*') return { kind: 'all' };
    const slash = x.indexOf('/');
    if (slash < 0) return { kind: 'class', cls: x.toLowerCase() };
    return { kind: 'object', cls: x.slice(0, slash).toLowerCase(), ref: x.slice(slash + 1) };
  });
}

const tableMatches = (subs: Sub[], lc: string): boolean => subs.some((s) => s.kind === 'all' || s.cls === lc);
const objectMatches = (subs: Sub[], lc: string, ref: string): boolean =>
  subs.some(
    (s) =>
      s.kind === 'all' ||
      (s.kind === 'class' && s.cls === lc) ||
      (s.kind === 'object' && s.cls === lc && s.ref === ref),
  );

const subKey = (s: Sub): string => (s.kind === 'all' ? '*' : s.kind === 'class' ? s.cls : `${s.cls}/${s.ref}`);

interface Registration {
  lastId: number;
  subs: Sub[];
}

/** xapi's Next.max_queue_size: the deprecated queue keeps at most this many bytes of (JSON) events. */
export const XAPI_EVENT_QUEUE_BYTES = 10_000_000;

export class EventHub {
  private readonly wakers = new Set<() => void>();
  private wakeQueued = false;
  private closed = false;
  /** Rows written since the last flush to the deprecated queue, by key (only while a session is registered). */
  private pending = new Map<string, RowWrite>();
  private flushQueued = false;
  // deprecated event.next queue
  private queue: { id: number; size: number; ev: XapiEvent }[] = [];
  private nextId = 0;
  private highestForgotten = -1;
  private readonly registrations = new Map<string, Registration>();
  /** How many records the hub has serialised (event snapshots): grows with what changed, not with the pool's size. */
  serialisations = 0;

  constructor(
    private readonly store: XapiStore,
    private readonly isSessionAlive: (s: string) => boolean,
    private readonly maxQueueBytes = XAPI_EVENT_QUEUE_BYTES,
  ) {
    store.onWrite = (w) => this.written(w);
  }

  /** A write of the store: blocked calls wake once the writer's synchronous work is done (coalesced). */
  private written(w: RowWrite): void {
    if (this.registrations.size > 0 && EVENT_CLASSES.includes(w.cls as never)) {
      const key = `${w.cls}\0${w.ref}`;
      const before = this.pending.get(key);
      // added and changed since the last flush: still an add; anything then removed: a del
      this.pending.set(key, before?.op === 'add' && w.op === 'mod' ? { ...w, op: 'add' } : w);
      if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => this.flush());
      }
    }
    if (this.wakeQueued || this.wakers.size === 0) return;
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      this.wakeAll();
    });
  }

  /** A copy of a row as an event carries it; counted. */
  private snapshot(cls: string, ref: string): Record<string, unknown> | undefined {
    const rec = this.store.plain(cls, ref);
    if (!rec) return undefined;
    this.serialisations++;
    return plainCopy(rec);
  }

  /** Feeds the deprecated event.next queue with the rows written since the last flush, in generation order. */
  private flush(): void {
    this.flushQueued = false;
    if (this.pending.size === 0) return;
    const writes = [...this.pending.values()].sort((a, b) => a.gen - b.gen);
    this.pending = new Map();
    for (const w of writes) {
      const lc = w.cls.toLowerCase();
      if (!this.registered(lc, w.ref)) continue;
      const snapshot = w.op === 'del' ? undefined : this.snapshot(w.cls, w.ref);
      if (w.op !== 'del' && !snapshot) continue;
      this.enqueue({
        id: '',
        timestamp: '',
        class: lc,
        operation: w.op,
        ref: w.ref,
        ...(snapshot ? { snapshot } : {}),
      });
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    const w = [...this.wakers];
    this.wakers.clear();
    for (const f of w) f();
  }

  /** Resolves on the next write, on `deadline` (ms epoch), or on close (xapi_event.ml `From.wait2`). */
  private wait(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now())).unref();
      this.wakers.add(done);
    });
  }

  /** How many event calls are blocked waiting for a write. */
  get waiting(): number {
    return this.wakers.size;
  }

  /** Wakes every blocked call (lab shutdown, a session logged out). */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }
  sessionDeleted(session: string): void {
    this.registrations.delete(session);
    this.wakeAll();
  }

  private assertAlive(session: string): void {
    if (this.closed || !this.isSessionAlive(session)) throw new XapiError('SESSION_INVALID', [session]);
  }

  // ---- event.from ---------------------------------------------------------------------------------------------

  /** event.from(classes, token, timeout): {events, valid_ref_counts, token}, blocking until something matches. */
  async from(
    session: string,
    classes: unknown,
    token: unknown,
    timeout: unknown,
  ): Promise<{ events: XapiEvent[]; valid_ref_counts: Record<string, number>; token: string }> {
    const since = parseToken(String(token ?? ''));
    const subs = parseSubs(classes);
    const deadline = Date.now() + Math.max(0, Number(timeout) || 0) * 1000;
    for (;;) {
      const r = this.collect(subs, since);
      if (r.events.length > 0 || Date.now() >= deadline) return { ...r, valid_ref_counts: this.refCounts() };
      await this.wait(deadline);
      this.assertAlive(session);
    }
  }

  private collect(subs: Sub[], since: number): { events: XapiEvent[]; token: string } {
    const s = this.store;
    const creates: XapiEvent[] = [];
    const mods: XapiEvent[] = [];
    const deletes: XapiEvent[] = [];
    let last = since;
    const ev = (lc: string, op: XapiEvent['operation'], ref: string, gen: number, snapshot?: unknown): XapiEvent => ({
      id: String(gen),
      timestamp: '0.0',
      class: lc,
      operation: op,
      ref,
      ...(snapshot ? { snapshot: snapshot as Record<string, unknown> } : {}),
    });
    for (const cls of EVENT_CLASSES) {
      const lc = cls.toLowerCase();
      // Table.fold_over_recent: rows whose generation is newer than the token; a table with no newer write is skipped
      if (!tableMatches(subs, lc) || (s.classGen.get(cls) ?? 0) <= since) continue;
      for (const ref of s.plainTable(cls).keys()) {
        const c = s.ctime.get(ref) ?? 0;
        const m = s.mtime.get(ref) ?? c;
        if (m <= since || !objectMatches(subs, lc, ref)) continue;
        last = Math.max(last, m);
        const snapshot = this.snapshot(cls, ref); // one copy serves both events of a row created since
        if (c > since) creates.push(ev(lc, 'add', ref, c, snapshot));
        mods.push(ev(lc, 'mod', ref, m, snapshot));
      }
    }
    for (const t of s.tombstones) {
      const lc = t.cls.toLowerCase();
      if (t.dtime <= since || !EVENT_CLASSES.includes(t.cls as never) || !objectMatches(subs, lc, t.ref)) continue;
      last = Math.max(last, t.dtime);
      if (t.ctime <= since) deletes.push(ev(lc, 'del', t.ref, t.dtime));
    }
    return { events: [...creates, ...mods, ...deletes], token: formatToken(last) };
  }

  private refCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const cls of CLASSES) out[cls.toLowerCase()] = this.store.table(cls).size;
    return out;
  }

  /** event.inject(class, ref): touches the row; the token returned makes event.from report it. */
  inject(cls: string, ref: unknown): string {
    this.flush();
    const g = this.store.touch(cls, String(ref));
    this.flush(); // the deprecated queue gets the touch at once, as xapi's event_add
    return formatToken(g - 1);
  }

  // ---- deprecated event.register / event.next / event.unregister ------------------------------------------------

  private registered(lc: string, ref: string): boolean {
    for (const r of this.registrations.values()) if (objectMatches(r.subs, lc, ref)) return true;
    return false;
  }

  private enqueue(ev: XapiEvent): void {
    const id = this.nextId++;
    const e = { ...ev, id: String(id), timestamp: `${Math.floor(Date.now() / 1000)}.` };
    const size = JSON.stringify(e).length;
    this.queue.push({ id, size, ev: e });
    let total = this.queue.reduce((a, q) => a + q.size, 0);
    while (total > this.maxQueueBytes && this.queue.length > 0) {
      const dropped = this.queue.shift()!;
      total -= dropped.size;
      this.highestForgotten = Math.max(this.highestForgotten, dropped.id);
    }
  }

  /** event.get_current_id: the id the next queued event will get. */
  currentId(): number {
    this.flush();
    return this.nextId;
  }

  register(session: string, classes: unknown): void {
    this.flush();
    const subs = parseSubs(classes);
    const r = this.registrations.get(session) ?? { lastId: this.nextId, subs: [] };
    r.subs = [...subs, ...r.subs];
    this.registrations.set(session, r);
  }

  unregister(session: string, classes: unknown): void {
    const drop = new Set(parseSubs(classes).map(subKey));
    const r = this.registrations.get(session) ?? { lastId: this.nextId, subs: [] };
    r.subs = r.subs.filter((s) => !drop.has(subKey(s)));
    this.registrations.set(session, r);
  }

  /** event.next: blocks until queued events match the session's registration (no timeout, as in xapi). */
  async next(session: string): Promise<XapiEvent[]> {
    if (!this.registrations.has(session)) throw new XapiError('SESSION_NOT_REGISTERED', [session]);
    for (;;) {
      this.flush();
      const r = this.registrations.get(session);
      if (!r) throw new XapiError('SESSION_INVALID', [session]);
      const start = r.lastId;
      const end = this.nextId;
      if (start === end) {
        await this.wait(Date.now() + 2 ** 31 - 1); // no deadline in xapi: the longest a timer can wait
        this.assertAlive(session);
        continue;
      }
      r.lastId = end;
      if (this.highestForgotten >= start) throw new XapiError('EVENTS_LOST', []);
      const relevant = this.queue
        .filter((q) => q.id >= start && q.id < end && objectMatches(r.subs, q.ev.class, q.ev.ref))
        .map((q) => q.ev);
      if (relevant.length > 0) return relevant;
    }
  }
}
