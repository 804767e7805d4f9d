// PropertyCollector reads (vSphere API reference: PropertyCollector.RetrievePropertiesEx /
// ContinueRetrievePropertiesEx, ViewManager.CreateContainerView; the pattern govmomi's view/container_view.go
// Retrieve uses): the whole inventory in one paged retrieval through a ContainerView, and single objects.
import { throwIfAborted } from '../../core/errors';
import { VimClient } from './vimClient';
import { el, morEl } from './vimSoap';
import { XmlElement, child, childText, childrenNamed, malformed } from './vimXml';
import { MoRef, VimValue, asMoRef, decodeValue } from './vimValue';

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

export interface RetrieveOptions {
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
    return await retrievePaged(client, propSets(specs) + viewObjectSet(view), opts);
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

async function retrievePaged(client: VimClient, specSetInner: string, opts: RetrieveOptions): Promise<ObjectContent[]> {
  const pc = client.content.propertyCollector;
  const maxTotal = opts.maxTotal ?? 1_000_000;
  const options = `<options>${opts.maxObjects ? el('maxObjects', opts.maxObjects) : ''}</options>`;
  const out: ObjectContent[] = [];
  let res = await client.invoke(
    'RetrievePropertiesEx',
    pc,
    `<specSet>${specSetInner}</specSet>${options}`,
    opts.signal,
  );
  const seenTokens = new Set<string>();
  for (;;) {
    const result = child(res, 'returnval');
    if (!result) return out; // no objects at all
    for (const o of childrenNamed(result, 'objects')) out.push(objectContent(o));
    if (out.length > maxTotal) throw malformed(`more than ${maxTotal} objects`);
    opts.onPage?.(out.length);
    const token = childText(result, 'token');
    if (!token) return out;
    if (seenTokens.has(token)) throw malformed('RetrievePropertiesEx returned the same token twice');
    seenTokens.add(token);
    throwIfAborted(opts.signal);
    res = await client.invoke('ContinueRetrievePropertiesEx', pc, el('token', token), opts.signal);
  }
}

function objectContent(o: XmlElement): ObjectContent {
  const obj = asMoRef(decodeValue(child(o, 'obj') ?? missing('ObjectContent.obj')), 'ObjectContent.obj');
  const props: Record<string, VimValue> = {};
  for (const p of childrenNamed(o, 'propSet')) {
    const name = childText(p, 'name');
    const val = child(p, 'val');
    if (name && val) props[name] = decodeValue(val);
  }
  const missingPaths = childrenNamed(o, 'missingSet').map((m) => childText(m, 'path'));
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
