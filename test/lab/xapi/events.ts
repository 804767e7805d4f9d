// XenAPI events as ocaml/xapi/xapi_event.ml serves them: event.from (tokens over database generations, blocking up
// to a timeout, `*` / class / class/ref subscriptions), event.inject, and the deprecated event.register / next /
// unregister queue (EVENTS_LOST, SESSION_NOT_REGISTERED).
//
// Every store mutation becomes an event: add/remove bump the generation directly (store.ts); changes made in place
// (a field set, a task's progress) are found by a sweep that compares each record with its last serialisation and
// gives the changed ones a new generation, as xapi's database write would. The sweep runs after every RPC call and
// store change (coalesced), and every 100 ms while a call is blocked waiting, once a client has used events.
import { XapiError } from './errors';
import { CLASSES, XapiStore } from './store';

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
  private active = false;
  private readonly last = new Map<string, string>();
  private tombstonesSeen = 0;
  private sweepQueued = false;
  private readonly wakers = new Set<() => void>();
  private poll?: NodeJS.Timeout;
  private closed = false;
  // deprecated event.next queue
  private queue: { id: number; size: number; ev: XapiEvent }[] = [];
  private nextId = 0;
  private highestForgotten = -1;
  private readonly registrations = new Map<string, Registration>();

  constructor(
    private readonly store: XapiStore,
    private readonly isSessionAlive: (s: string) => boolean,
    private readonly maxQueueBytes = XAPI_EVENT_QUEUE_BYTES,
  ) {
    store.onChange = () => this.schedule();
  }

  /** Asks for a sweep soon (coalesced); a no-op until a client has used events. */
  schedule(): void {
    if (!this.active || this.sweepQueued) return;
    this.sweepQueued = true;
    setImmediate(() => {
      this.sweepQueued = false;
      this.sweep();
    });
  }

  private activate(): void {
    if (this.active) return;
    this.active = true;
    for (const cls of EVENT_CLASSES)
      for (const [ref, rec] of this.store.table(cls)) this.last.set(`${cls}\0${ref}`, JSON.stringify(rec));
    this.tombstonesSeen = this.store.tombstones.length;
  }

  /** Finds what changed since the last sweep, gives in-place changes a generation, feeds the event.next queue. */
  sweep(): void {
    if (!this.active) return;
    const changes: { gen: number; ev: XapiEvent }[] = [];
    for (const cls of EVENT_CLASSES) {
      const lc = cls.toLowerCase();
      for (const [ref, rec] of this.store.table(cls)) {
        const key = `${cls}\0${ref}`;
        const json = JSON.stringify(rec);
        const prev = this.last.get(key);
        if (prev === json) continue;
        this.last.set(key, json);
        const op = prev === undefined ? 'add' : 'mod';
        const gen = op === 'add' ? (this.store.ctime.get(ref) ?? 0) : this.store.markModified(ref);
        changes.push({ gen, ev: { id: '', timestamp: '', class: lc, operation: op, ref, snapshot: JSON.parse(json) } });
      }
    }
    const tombs = this.store.tombstones;
    for (; this.tombstonesSeen < tombs.length; this.tombstonesSeen++) {
      const t = tombs[this.tombstonesSeen];
      this.last.delete(`${t.cls}\0${t.ref}`);
      if (EVENT_CLASSES.includes(t.cls as never))
        changes.push({
          gen: t.dtime,
          ev: { id: '', timestamp: '', class: t.cls.toLowerCase(), operation: 'del', ref: t.ref },
        });
    }
    if (changes.length === 0) return;
    changes.sort((a, b) => a.gen - b.gen);
    for (const c of changes) this.enqueue(c.ev);
    this.wakeAll();
  }

  private wakeAll(): void {
    const w = [...this.wakers];
    this.wakers.clear();
    for (const f of w) f();
  }

  /** Resolves on the next change, on `deadline` (ms epoch), or on close; polls with sweeps meanwhile. */
  private wait(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        if (this.wakers.size === 0 && this.poll) {
          clearInterval(this.poll);
          this.poll = undefined;
        }
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now())).unref();
      this.wakers.add(done);
      if (!this.poll) this.poll = setInterval(() => this.sweep(), 100).unref();
    });
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
    this.activate();
    const since = parseToken(String(token ?? ''));
    const subs = parseSubs(classes);
    const deadline = Date.now() + Math.max(0, Number(timeout) || 0) * 1000;
    for (;;) {
      this.sweep();
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
    const ev = (
      lc: string,
      op: XapiEvent['operation'],
      ref: string,
      gen: number,
      snapshot?: Record<string, unknown>,
    ): XapiEvent => ({
      id: String(gen),
      timestamp: '0.0',
      class: lc,
      operation: op,
      ref,
      ...(snapshot ? { snapshot: structuredClone(snapshot) } : {}),
    });
    for (const cls of EVENT_CLASSES) {
      const lc = cls.toLowerCase();
      if (!tableMatches(subs, lc)) continue;
      for (const [ref, rec] of s.table(cls)) {
        const c = s.ctime.get(ref) ?? 0;
        const m = s.mtime.get(ref) ?? c;
        if (m <= since || !objectMatches(subs, lc, ref)) continue;
        last = Math.max(last, m);
        if (c > since) creates.push(ev(lc, 'add', ref, c, rec));
        mods.push(ev(lc, 'mod', ref, m, rec));
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
    this.activate();
    this.sweep();
    const g = this.store.touch(cls, String(ref));
    this.enqueue({
      id: '',
      timestamp: '',
      class: cls.toLowerCase(),
      operation: 'mod',
      ref: String(ref),
      snapshot: structuredClone(this.store.must(cls, ref)),
    });
    this.wakeAll();
    return formatToken(g - 1);
  }

  // ---- deprecated event.register / event.next / event.unregister ------------------------------------------------

  private enqueue(ev: XapiEvent): void {
    if (![...this.registrations.values()].some((r) => objectMatches(r.subs, ev.class, ev.ref))) return;
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
    this.activate();
    this.sweep();
    return this.nextId;
  }

  register(session: string, classes: unknown): void {
    this.activate();
    this.sweep();
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
      this.sweep();
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
