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
  const onAbort = () => {
    void client.invoke('CancelWaitForUpdates', pc).catch(() => undefined);
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    view = await createContainerView(client, container, specs);
    await client.invoke(
      'CreateFilter',
      pc,
      `<spec>${viewFilterSpec(specs, view, opts.also)}</spec>${el('partialUpdates', false)}`,
    );
    let version = '';
    let initial = true;
    while (!opts.signal.aborted) {
      const options = `<options>${el('maxWaitSeconds', opts.maxWaitSeconds ?? 30)}</options>`;
      let res: VimValue[];
      try {
        res = await client.invokeValues('WaitForUpdatesEx', pc, el('version', version) + options);
      } catch (err) {
        // CancelWaitForUpdates makes the pending call fail with RequestCanceled: that is our own stop.
        if (opts.signal.aborted) break;
        throw err;
      }
      if (!res.length) continue; // maxWaitSeconds passed with no change
      const set = asObject(res[0], 'UpdateSet');
      const next = optString(set.version, 'UpdateSet.version');
      if (!next) throw malformed('WaitForUpdatesEx: UpdateSet without version');
      version = next;
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
