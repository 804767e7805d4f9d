// PropertyCollector reads (vSphere API reference: PropertyCollector.RetrievePropertiesEx /
// ContinueRetrievePropertiesEx, ViewManager.CreateContainerView; the pattern govmomi's view/container_view.go
// Retrieve uses): the whole inventory in one paged retrieval through a ContainerView, and single objects.
import { throwIfAborted } from '../../core/errors';
import { VimClient } from './vimClient';
import { el, morEl } from './vimSoap';
import { child, malformed } from './vimXml';
import { MoRef, VimObject, VimValue, asList, asMoRef, asObject, decodeValue, optString } from './vimValue';

/** One object's properties: values by property path (absent when unset), and paths the server could not read. */
export interface ObjectContent {
  obj: MoRef;
  props: Record<string, VimValue>;
  missing: string[];
}
/** Which properties to read for objects of `type` (vim.PropertyFilterSpec.propSet). */
export interface PropertySpec {
  type: string;
  pathSet: string[];
}

/**
 * Objects read beside a ContainerView's in the same filter (a ContainerView holds managed entities only): their
 * property specs and the ObjectSpec that selects them (e.g. recentTasksObjectSet).
 */
export interface ExtraObjects {
  specs: PropertySpec[];
  objectSet: string;
}

export interface RetrieveOptions {
  /** More objects in the same retrieval (ExtraObjects). */
  also?: ExtraObjects;
  /** RetrievePropertiesEx options.maxObjects: objects per page (the server may send fewer). */
  maxObjects?: number;
  /** Stop after this many objects in all (a hostile server that pages forever). Default 1,000,000. */
  maxTotal?: number;
  signal?: AbortSignal;
  /** Called per page with the objects so far (progress of a large inventory). */
  onPage?: (objectsSoFar: number) => void;
}

/**
 * Every object of the given types below `container` (recursively), with the given properties: CreateContainerView,
 * RetrievePropertiesEx then ContinueRetrievePropertiesEx while a token comes back, DestroyView (also on failure).
 */
export async function retrieveFromContainer(
  client: VimClient,
  container: MoRef,
  specs: PropertySpec[],
  opts: RetrieveOptions = {},
): Promise<ObjectContent[]> {
  const view = await createContainerView(client, container, specs, opts.signal);
  try {
    return await retrievePaged(client, viewFilterSpec(specs, view, opts.also), opts);
  } finally {
    await client.invoke('DestroyView', view).catch(() => undefined);
  }
}

/** ViewManager.CreateContainerView of the spec's types below `container`, recursive; the caller destroys it (DestroyView). */
export async function createContainerView(
  client: VimClient,
  container: MoRef,
  specs: PropertySpec[],
  signal?: AbortSignal,
): Promise<MoRef> {
  const types = [...new Set(specs.map((s) => s.type))].map((t) => el('type', t)).join('');
  const res = await client.invoke(
    'CreateContainerView',
    client.content.viewManager,
    morEl('container', container) + types + el('recursive', true),
    signal,
  );
  return asMoRef(
    decodeValue(child(res, 'returnval') ?? missing('CreateContainerView')),
    'CreateContainerView.returnval',
  );
}

/** The PropertyFilterSpec's inner XML: the specs over every object of `view`, and `also`'s objects. */
export function viewFilterSpec(specs: PropertySpec[], view: MoRef, also?: ExtraObjects): string {
  return propSets([...specs, ...(also?.specs ?? [])]) + viewObjectSet(view) + (also?.objectSet ?? '');
}

/**
 * The ObjectSpec that selects the tasks of TaskManager.recentTask (vSphere API reference: TaskManager.recentTask, "the
 * list of recent operations", running ones included; a TraversalSpec over it, as the vSphere Client's recent tasks).
 */
export function recentTasksObjectSet(taskManager: MoRef): string {
  return (
    `<objectSet>${morEl('obj', taskManager)}${el('skip', true)}<selectSet xsi:type="TraversalSpec">${el('name', 'recentTasks')}` +
    `${el('type', 'TaskManager')}${el('path', 'recentTask')}${el('skip', false)}</selectSet></objectSet>`
  );
}

/** The ObjectSpec that selects every object of a ContainerView (the view itself skipped). */
export function viewObjectSet(view: MoRef): string {
  return (
    `<objectSet>${morEl('obj', view)}${el('skip', true)}<selectSet xsi:type="TraversalSpec">${el('name', 'traverseView')}` +
    `${el('type', 'ContainerView')}${el('path', 'view')}${el('skip', false)}</selectSet></objectSet>`
  );
}

/** The given properties of one object (undefined if the server returned nothing for it). */
export async function retrieveObject(
  client: VimClient,
  obj: MoRef,
  pathSet: string[],
  signal?: AbortSignal,
): Promise<ObjectContent | undefined> {
  const spec =
    propSets([{ type: obj.type, pathSet }]) + `<objectSet>${morEl('obj', obj)}${el('skip', false)}</objectSet>`;
  const [content] = await retrievePaged(client, spec, { signal });
  return content;
}

/** One page as read, and the next one if its token asked for it. */
interface Page {
  result?: VimValue;
  next?: Promise<Page>;
  /** The token, when it was refused (seen before): the loop fails with it. */
  repeatedToken?: string;
}

/**
 * RetrievePropertiesEx, then ContinueRetrievePropertiesEx while a token comes back. RetrieveResult.token precedes the
 * objects in the reply, so each next page is asked for as soon as the token is read: the server prepares it while
 * this one is still arriving and being decoded (on a second kept-alive connection). A failure or abort abandons the
 * pages asked for ahead (CancelRetrievePropertiesEx on their tokens, best effort).
 */
async function retrievePaged(client: VimClient, specSetInner: string, opts: RetrieveOptions): Promise<ObjectContent[]> {
  const pc = client.content.propertyCollector;
  const maxTotal = opts.maxTotal ?? 1_000_000;
  const options = `<options>${opts.maxObjects ? el('maxObjects', opts.maxObjects) : ''}</options>`;
  const seenTokens = new Set<string>();
  const ask = (method: string, args: string): Promise<Page> => {
    const page: Page = {};
    const onField = (name: string, v: VimValue) => {
      if (name !== 'token' || typeof v !== 'string' || !v || page.next || page.repeatedToken) return;
      if (seenTokens.has(v) || opts.signal?.aborted) {
        page.repeatedToken = v;
        return;
      }
      seenTokens.add(v);
      page.next = ask('ContinueRetrievePropertiesEx', el('token', v));
      page.next.catch(() => undefined); // awaited by the loop, or abandoned
    };
    return client.invokeValues(method, pc, args, opts.signal, onField).then(
      (values) => {
        page.result = values[0];
        return page;
      },
      (err: unknown) => {
        abandon(client, page.next);
        throw err;
      },
    );
  };
  const out: ObjectContent[] = [];
  let page = await ask('RetrievePropertiesEx', `<specSet>${specSetInner}</specSet>${options}`);
  try {
    for (;;) {
      if (page.result === undefined) return out; // no objects at all
      const result = asObject(page.result, 'RetrieveResult');
      for (const o of asList(result.objects)) out.push(objectContent(o));
      if (out.length > maxTotal) throw malformed(`more than ${maxTotal} objects`);
      opts.onPage?.(out.length);
      if (page.repeatedToken) throw malformed('RetrievePropertiesEx returned the same token twice');
      if (!page.next) {
        if (result.token !== undefined && result.token !== '') throw malformed('RetrieveResult.token is not text');
        return out;
      }
      throwIfAborted(opts.signal);
      const next = page.next;
      page = {};
      page = await next;
    }
  } catch (err) {
    abandon(client, page.next);
    throw err;
  }
}

/** Releases what a page asked ahead holds on the server: its token (CancelRetrievePropertiesEx) and those after it. */
function abandon(client: VimClient, next: Promise<Page> | undefined): void {
  void next?.then(
    (p) => {
      const token = p.result !== undefined && typeof p.result === 'object' ? (p.result as VimObject).token : undefined;
      if (typeof token === 'string' && token)
        void client
          .invoke('CancelRetrievePropertiesEx', client.content.propertyCollector, el('token', token))
          .catch(() => undefined);
      abandon(client, p.next);
    },
    () => undefined,
  );
}

/** One ObjectContent (obj, propSet[] of name and val, missingSet[] of path) as decoded by VimValueBuilder. */
function objectContent(v: VimValue): ObjectContent {
  const o = asObject(v, 'ObjectContent');
  const obj = asMoRef(o.obj ?? missing('ObjectContent.obj'), 'ObjectContent.obj');
  const props: Record<string, VimValue> = {};
  for (const p of asList(o.propSet)) {
    const prop = asObject(p, 'DynamicProperty');
    const name = optString(prop.name, 'DynamicProperty.name');
    if (name && prop.val !== undefined) props[name] = prop.val;
  }
  const missingPaths = asList(o.missingSet).map(
    (m) => optString(asObject(m, 'MissingProperty').path, 'MissingProperty.path') ?? '',
  );
  return { obj, props, missing: missingPaths };
}

/** PropertyFilterSpec.propSet elements for the specs. */
export function propSets(specs: PropertySpec[]): string {
  return specs
    .map((s) => `<propSet>${el('type', s.type)}${s.pathSet.map((p) => el('pathSet', p)).join('')}</propSet>`)
    .join('');
}

function missing(what: string): never {
  throw malformed(`${what} missing`);
}
