// Live changes of the inventory (vSphere API reference: PropertyCollector.CreatePropertyCollector, CreateFilter,
// WaitForUpdatesEx, CancelWaitForUpdates, DestroyPropertyCollector; the loop govmomi's property/wait.go runs):
// a private collector with one filter over a ContainerView; the first answer is every object ('enter'), then each
// answer carries what changed since `version`.
import { VimClient, returnval } from './vimClient';
import { ExtraObjects, PropertySpec, createContainerView, viewFilterSpec } from './vimPropertyCollector';
import { el } from './vimSoap';
import { malformed } from './vimXml';
import { MoRef, VimValue, asList, asMoRef, asObject, asString, decodeValue, optBool, optString } from './vimValue';

/** One property change: op assign | add | remove | indirectRemove; `val` absent when the property became unset. */
export interface PropertyChange {
  name: string;
  op: string;
  val?: VimValue;
}
/** What happened to one object: it entered the view (with all its properties), changed, or left. */
export interface ObjectUpdate {
  kind: 'enter' | 'modify' | 'leave';
  obj: MoRef;
  changes: PropertyChange[];
}

/**
 * Where an answer stands. `initial`: part of the first state of the view (every object 'enter'), which the server may
 * split over several answers (UpdateSet.truncated); `complete`: the first state is whole with this answer (true from
 * then on).
 */
export interface UpdateInfo {
  initial: boolean;
  complete: boolean;
  /** UpdateSet.version after this answer. */
  version: string;
}

export interface WatchOptions {
  signal: AbortSignal;
  /** WaitForUpdatesEx options.maxWaitSeconds: how long one call may wait on the server (default 30, below the HTTP timeout). */
  maxWaitSeconds?: number;
  /** More objects in the same filter (ExtraObjects: e.g. the recent tasks). */
  also?: ExtraObjects;
  /**
   * WaitForUpdatesEx options.maxObjectUpdates: at most this many ObjectUpdate entries per answer, the rest in the next
   * answers (UpdateSet.truncated); so the first state of a large inventory arrives in pages. Unset: no maximum.
   */
  maxObjectUpdates?: number;
}

/** One WaitForUpdatesEx on its way, and the call that followed it as soon as its UpdateSet.version arrived. */
interface PendingWait {
  reply: Promise<VimValue[]>;
  next?: { version: string; wait: PendingWait };
}

/**
 * Calls `onUpdates` with each batch of changes of the given properties of every object below `container`, until
 * `signal` aborts (then resolves: CancelWaitForUpdates ends the pending call, the collector and the view are destroyed).
 * Errors of the server (e.g. NotAuthenticated) reject after the same clean-up.
 */
export async function watchContainer(
  client: VimClient,
  container: MoRef,
  specs: PropertySpec[],
  onUpdates: (updates: ObjectUpdate[], info: UpdateInfo) => void,
  opts: WatchOptions,
): Promise<void> {
  const pcRes = await client.invoke('CreatePropertyCollector', client.content.propertyCollector);
  const pc = asMoRef(decodeValue(returnval(pcRes, 'CreatePropertyCollector')), 'CreatePropertyCollector.returnval');
  let view: MoRef | undefined;
  // Ends every call of ours still on its way (one asked ahead included) when the watch stops or fails.
  const calls = new AbortController();
  const onAbort = () => {
    calls.abort();
    void client.invoke('CancelWaitForUpdates', pc).catch(() => undefined);
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const options =
    `<options>${el('maxWaitSeconds', opts.maxWaitSeconds ?? 30)}` +
    `${opts.maxObjectUpdates ? el('maxObjectUpdates', opts.maxObjectUpdates) : ''}</options>`;
  /**
   * WaitForUpdatesEx from `version`. UpdateSet.version precedes the updates in the reply, and the next call is made
   * with it whether or not the answer is truncated (API reference, WaitForUpdatesEx: the version "returned from the
   * last call"), so that call is sent as soon as the version is decoded: the server prepares the next part of a
   * truncated first state while this one is still arriving and being decoded. *Assumed*: a vCenter serves a call made
   * while the previous call's reply is still being sent (the reference says nothing of overlapping calls on one
   * collector; the previous calculation is done once its version is written). vcsim and the launcher do.
   */
  const wait = (version: string): PendingWait => {
    const pending: PendingWait = { reply: Promise.resolve([]) };
    pending.reply = client.invokeValues(
      'WaitForUpdatesEx',
      pc,
      el('version', version) + options,
      calls.signal,
      (name, v) => {
        if (name !== 'version' || typeof v !== 'string' || !v || pending.next || calls.signal.aborted) return;
        pending.next = { version: v, wait: wait(v) };
      },
    );
    pending.reply.catch(() => undefined); // awaited by the loop, or abandoned when it stops
    return pending;
  };
  try {
    view = await createContainerView(client, container, specs);
    await client.invoke(
      'CreateFilter',
      pc,
      `<spec>${viewFilterSpec(specs, view, opts.also)}</spec>${el('partialUpdates', false)}`,
    );
    let version = '';
    let initial = true;
    let pending = wait(version);
    while (!opts.signal.aborted) {
      let res: VimValue[];
      try {
        res = await pending.reply;
      } catch (err) {
        // CancelWaitForUpdates (or our abort of the call) ends the pending call: that is our own stop.
        if (opts.signal.aborted) break;
        throw err;
      }
      if (!res.length) {
        pending = wait(version); // maxWaitSeconds passed with no change
        continue;
      }
      const set = asObject(res[0], 'UpdateSet');
      const next = optString(set.version, 'UpdateSet.version');
      if (!next) throw malformed('WaitForUpdatesEx: UpdateSet without version');
      version = next;
      pending = pending.next?.version === version ? pending.next.wait : wait(version);
      const updates = asList(set.filterSet).flatMap((f) =>
        asList(asObject(f, 'PropertyFilterUpdate').objectSet).map(objectUpdate),
      );
      const complete = optBool(set.truncated, 'UpdateSet.truncated') !== true;
      // The first state is reported even when empty (an inventory with nothing in it is a state too).
      if (updates.length || initial) onUpdates(updates, { initial, complete, version });
      if (complete) initial = false;
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    calls.abort();
    if (view) await client.invoke('DestroyView', view).catch(() => undefined);
    await client.invoke('DestroyPropertyCollector', pc).catch(() => undefined);
  }
}

function objectUpdate(v: VimValue): ObjectUpdate {
  const o = asObject(v, 'ObjectUpdate');
  const kind = o.kind;
  if (kind !== 'enter' && kind !== 'modify' && kind !== 'leave') throw malformed(`ObjectUpdate.kind "${String(kind)}"`);
  const obj = asMoRef(o.obj ?? malformedThrow('ObjectUpdate.obj'), 'ObjectUpdate.obj');
  const changes = asList(o.changeSet).map((c): PropertyChange => {
    const change = asObject(c, 'PropertyChange');
    const name = asString(change.name ?? '', 'PropertyChange.name');
    const op = asString(change.op ?? '', 'PropertyChange.op');
    return change.val === undefined ? { name, op } : { name, op, val: change.val };
  });
  return { kind, obj, changes };
}

function malformedThrow(what: string): never {
  throw malformed(`${what} missing`);
}
