// One vSphere connection's inventory, read once and kept current by WaitForUpdatesEx while someone watches it, the
// way the vSphere Client stays current (vSphere API reference, PropertyCollector.WaitForUpdatesEx: a filter over a
// ContainerView, the first answer every object 'enter', then what changed since `version`; govmomi property/wait.go
// runs the same loop). Changes are reported in the neutral model's terms (core/inventoryEvents.ts), as the Xen
// record cache reports XAPI's event.from (providers/xen/recordCache.ts).
import { isCancel } from '../../core/errors';
import { InventoryChange, InventoryListener } from '../../core/inventoryEvents';
import { sleep } from '../../core/retry';
import { VimClient } from './vimClient';
import { ExtraObjects, ObjectContent, recentTasksObjectSet, retrieveFromContainer } from './vimPropertyCollector';
import { ObjectUpdate, UpdateInfo, watchContainer } from './vimUpdates';
import { ObjectChange, vmwareInventoryChange } from './vmwareInventoryChange';
import { INVENTORY_PAGE } from './vmwareInventory';
import { INVENTORY_SPECS, TASK_SPEC, VsphereInventory, toInventory } from './vmwareRecords';

export interface VsphereRecordCacheOptions {
  /** Without a watch, how long one read serves later reads, ms (default 3,000: the tree's successive list calls). */
  ttlMs?: number;
  /** WaitForUpdatesEx maxWaitSeconds (default 30, below the HTTP timeout). */
  maxWaitSeconds?: number;
  /**
   * WaitForUpdatesEx maxObjectUpdates: the watch's first state arrives in answers of at most this many objects
   * (UpdateSet.truncated), each next one asked for while the last is decoded (default INVENTORY_PAGE, as the paged
   * RetrievePropertiesEx read).
   */
  pageSize?: number;
  /** First delay after a failure of the watch, doubled up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Told about each failure of the watch (it logs in again if needed, reloads and continues). */
  onError?: (err: unknown) => void;
}

/**
 * The objects of INVENTORY_SPECS by moref. Without a watch, `inventory()` reads them all (RetrievePropertiesEx,
 * paged) at most every ttlMs. `watch()` runs a WaitForUpdatesEx loop on its own PropertyCollector: its first,
 * complete state replaces the objects (what is not in it is gone) and from then on reads are served from memory
 * and each answer's changes are applied and reported. A read asked for while the watch's first state is on its way
 * waits for it instead of reading everything a second time (the tree starts the watch, then lists: one read of the
 * inventory, not two); it reads for itself only when that watch fails or stops first. On a fault (NotAuthenticated after the client's own re-login,
 * a dropped connection, a collector lost with its session) the session is logged in again and the watch starts
 * over: its first state is the reload, and what differs from the objects held is reported.
 */
export class VsphereRecordCache {
  private readonly objects = new Map<string, ObjectContent>();
  private memo?: VsphereInventory;
  private loadedAt = 0;
  private loading?: Promise<void>;
  /** Ids the watch changed while a read of everything was under way: the read's older values must not win. */
  private touchedDuringLoad?: Set<string>;
  /** The watch's first state while it comes in (UpdateSet.truncated answers). */
  private initialState?: Map<string, ObjectContent>;
  private readonly listeners = new Set<InventoryListener>();
  private abort?: AbortController;
  private loop?: Promise<void>;
  /** The watch delivered its first complete state and runs: reads need no round trip. */
  private current = false;
  /** How many times every object was read or the watch's first state applied. */
  loads = 0;
  /**
   * The current watch attempt's first state: resolves true once it is applied, false when the attempt failed or was
   * stopped before it (then reads read for themselves). Undefined when no attempt is waiting for its first state.
   */
  private firstState?: Promise<boolean>;
  private settleFirstState?: (applied: boolean) => void;

  constructor(
    private readonly client: VimClient,
    private readonly opts: VsphereRecordCacheOptions = {},
  ) {}

  /** The inventory: from memory while the watch is current, else read again when older than ttlMs (or invalidated). */
  async inventory(): Promise<VsphereInventory> {
    const fresh = this.loadedAt && Date.now() - this.loadedAt <= (this.opts.ttlMs ?? 3_000);
    if (!(this.current && this.loadedAt) && !fresh) {
      // The watch's first state is the read: wait for it rather than read everything twice.
      if (this.firstState) await this.firstState;
      if (!(this.current && this.loadedAt)) await this.load();
    }
    return (this.memo ??= toInventory([...this.objects.values()]));
  }

  /** The next read reads everything again (after an operation of this process: its result is there at once). */
  invalidate(): void {
    this.loadedAt = 0;
    // A first state asked for before the operation may not show its result: the next read reads for itself.
    this.endFirstState(false);
  }

  /** Ends the wait for the current watch attempt's first state (`applied`: it arrived and was applied). */
  private endFirstState(applied: boolean): void {
    const settle = this.settleFirstState;
    this.firstState = this.settleFirstState = undefined;
    settle?.(applied);
  }

  /** Calls `listener` with each batch of changes; starts the watch. Returns the unsubscribe (the last one stops it). */
  watch(listener: InventoryListener): () => void {
    this.listeners.add(listener);
    if (!this.loop) {
      const ac = (this.abort = new AbortController());
      this.loop = this.run(ac.signal).finally(() => {
        if (this.abort === ac) this.loop = undefined;
      });
    }
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) void this.stop();
    };
  }

  /**
   * Ends the watch (its pending WaitForUpdatesEx is cancelled); the objects stay, read again after ttlMs. Resolves once
   * the watch has cleaned up on the server (collector and view destroyed); callers need not wait.
   */
  stop(): Promise<void> {
    const loop = this.loop;
    this.abort?.abort();
    this.loop = undefined;
    this.current = false;
    this.endFirstState(false);
    return loop ?? Promise.resolve();
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const touched = (this.touchedDuringLoad = new Set());
      try {
        const read = await retrieveFromContainer(this.client, this.client.content.rootFolder, INVENTORY_SPECS, {
          maxObjects: INVENTORY_PAGE,
          also: recentTasks(this.client),
        });
        const next = new Map(read.map((o) => [o.obj.value, o]));
        for (const id of touched) {
          const held = this.objects.get(id);
          if (held) next.set(id, held);
          else next.delete(id);
        }
        this.replace(next);
        this.loadedAt = Date.now();
        this.loads++;
      } finally {
        if (this.touchedDuringLoad === touched) this.touchedDuringLoad = undefined;
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const base = this.opts.backoffMs ?? 250;
    let delay = base;
    while (!signal.aborted) {
      this.initialState = undefined;
      this.endFirstState(false);
      this.firstState = new Promise<boolean>((resolve) => (this.settleFirstState = resolve));
      try {
        if (!this.client.loggedIn) await this.client.connect(signal);
        await watchContainer(
          this.client,
          this.client.content.rootFolder,
          INVENTORY_SPECS,
          (updates, info) => {
            this.apply(updates, info);
            delay = base;
          },
          {
            signal,
            maxWaitSeconds: this.opts.maxWaitSeconds,
            maxObjectUpdates: this.opts.pageSize ?? INVENTORY_PAGE,
            also: recentTasks(this.client),
          },
        );
        return; // resolves only once aborted
      } catch (err) {
        this.current = false;
        this.endFirstState(false);
        if (signal.aborted || isCancel(err)) return;
        this.opts.onError?.(err);
        // A session the server dropped: log in again (the next watch's first state is the reload).
        if (/NotAuthenticated|ManagedObjectNotFound/.test(String((err as { code?: string }).code ?? ''))) {
          await this.client.connect(signal).catch((e) => this.opts.onError?.(e));
        }
        await sleep(delay, signal).catch(() => undefined);
        delay = Math.min(delay * 2, this.opts.maxBackoffMs ?? 30_000);
      }
    }
  }

  /** Applies one WaitForUpdatesEx answer and reports what it changed. */
  private apply(updates: ObjectUpdate[], info: UpdateInfo): void {
    if (info.initial) {
      // The watch's first state, maybe over several answers: it replaces the objects once complete.
      const state = (this.initialState ??= new Map());
      for (const u of updates) {
        this.touchedDuringLoad?.add(u.obj.value);
        if (u.kind === 'leave') state.delete(u.obj.value);
        else state.set(u.obj.value, withChanges(u, state.get(u.obj.value)));
      }
      if (!info.complete) return;
      this.initialState = undefined;
      this.loadedAt = Date.now();
      this.loads++;
      this.current = true;
      this.replace(state);
      return this.endFirstState(true);
    }
    const next = new Map(this.objects);
    const touched = new Set<string>();
    for (const u of updates) {
      this.touchedDuringLoad?.add(u.obj.value);
      touched.add(u.obj.value);
      if (u.kind === 'leave') next.delete(u.obj.value);
      else next.set(u.obj.value, withChanges(u, next.get(u.obj.value)));
    }
    this.replace(next, touched);
  }

  /**
   * Makes `next` the objects held, and reports how they differ from before: every object, or only the ids in `touched`
   * when the caller knows nothing else changed (an update set names what it changes).
   */
  private replace(next: Map<string, ObjectContent>, touched?: Set<string>): void {
    const changed: ObjectChange[] = [];
    const same = (a?: ObjectContent, b?: ObjectContent) => JSON.stringify(a?.props) === JSON.stringify(b?.props);
    for (const id of touched ?? new Set([...next.keys(), ...this.objects.keys()])) {
      const before = this.objects.get(id);
      const after = next.get(id);
      if (after && (!before || !same(before, after))) changed.push({ id, type: after.obj.type, before, after });
      else if (!after && before) changed.push({ id, type: before.obj.type, before, after: undefined });
    }
    const hadState = this.objects.size > 0;
    const previous = this.memo ?? (hadState ? toInventory([...this.objects.values()]) : undefined);
    this.objects.clear();
    for (const [id, o] of next) this.objects.set(id, o);
    this.memo = undefined;
    if (!changed.length || !this.listeners.size || !previous) return;
    const change: InventoryChange = vmwareInventoryChange(
      changed,
      previous,
      (this.memo = toInventory([...next.values()])),
    );
    if (!change.all && !change.vms.length && !change.childrenOf.length) return;
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }
}

/** The recent tasks (TASK_SPEC) read beside the inventory, when the server has a TaskManager: busy VMs. */
function recentTasks(client: VimClient): ExtraObjects | undefined {
  const tm = client.content.taskManager;
  return tm ? { specs: [TASK_SPEC], objectSet: recentTasksObjectSet(tm) } : undefined;
}

/** An object's properties after an update: 'enter' gives them all; 'modify' changes the named paths of `held`. */
function withChanges(u: ObjectUpdate, held: ObjectContent | undefined): ObjectContent {
  const props = u.kind === 'enter' ? {} : { ...(held?.props ?? {}) };
  for (const c of u.changes) {
    if (c.op === 'remove' || c.op === 'indirectRemove' || c.val === undefined) delete props[c.name];
    else props[c.name] = c.val;
  }
  return { obj: u.obj, props, missing: [] };
}
