// XML-RPC codec with xapi's marshalling (ocaml/doc/wire-protocol.md; mirage/ocaml-rpc src/lib/xmlrpc.ml):
// strings, refs and enums as untyped `<value>text</value>`, 64-bit `int` as a decimal string, `float` as <double>,
// `bool` as <boolean>0|1</boolean>, `datetime` as <dateTime.iso8601>, sets as <array><data>, maps and records as
// <struct>, `void` as the empty string. Types come from the XenAPI datamodel (datamodel.ts); a value whose type the
// datamodel does not give is marshalled by its JavaScript shape (integral number → int, else double). Replies start
// with `<?xml version="1.0"?>` as ocaml-rpc's add_response writes them.
// XML is parsed and written by fast-xml-parser.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { fieldType } from './datamodel';
import { canonicalClass } from './store';

type XNode = Record<string, unknown>;
const parser = new XMLParser({
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
});
const builder = new XMLBuilder({ preserveOrder: true });

/** A malformed XML-RPC request (xapi answers such requests with an HTTP error, not a Failure struct). */
export class XmlRpcParseError extends Error {}

function tagOf(n: XNode): string | undefined {
  return Object.keys(n).find((k) => k !== ':@' && k !== '#text');
}
function kids(n: XNode, tag: string): XNode[] {
  return (n[tag] as XNode[]) ?? [];
}
function text(nodes: XNode[]): string {
  return nodes.map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
}
function elems(nodes: XNode[]): XNode[] {
  return nodes.filter((c) => tagOf(c) !== undefined);
}
function child(nodes: XNode[], tag: string): XNode | undefined {
  return nodes.find((c) => tagOf(c) === tag);
}

/** Decodes one `<value>` element's children into a JavaScript value (int/i4/i8 → number, base64 → Buffer). */
function decodeValue(nodes: XNode[]): unknown {
  const el = elems(nodes)[0];
  if (!el) return text(nodes); // untyped value: a string
  const tag = tagOf(el)!;
  const inner = kids(el, tag);
  switch (tag) {
    case 'string':
      return text(inner);
    case 'int':
    case 'i4':
    case 'i8': {
      const v = Number(text(inner).trim());
      if (!Number.isInteger(v)) throw new XmlRpcParseError(`bad ${tag}`);
      return v;
    }
    case 'boolean':
      return text(inner).trim() === '1';
    case 'double':
      return Number(text(inner).trim());
    case 'dateTime.iso8601':
      return text(inner).trim();
    case 'base64':
      return Buffer.from(text(inner), 'base64');
    case 'nil':
      return null;
    case 'array':
      return elems(kids(child(inner, 'data') ?? {}, 'data'))
        .filter((v) => tagOf(v) === 'value')
        .map((v) => decodeValue(kids(v, 'value')));
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const m of elems(inner).filter((x) => tagOf(x) === 'member')) {
        const mk = kids(m, 'member');
        const name = child(mk, 'name');
        const value = child(mk, 'value');
        if (!name || !value) throw new XmlRpcParseError('struct member without name or value');
        out[text(kids(name, 'name'))] = decodeValue(kids(value, 'value'));
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown XML-RPC type ${tag}`);
  }
}

/** Parses a `<methodCall>`; throws XmlRpcParseError when it is not one. */
export function parseMethodCall(xml: string): { method: string; params: unknown[] } {
  let doc: XNode[];
  try {
    doc = parser.parse(xml) as XNode[];
  } catch (e) {
    throw new XmlRpcParseError(String(e));
  }
  const call = child(doc, 'methodCall');
  if (!call) throw new XmlRpcParseError('no methodCall');
  const ck = kids(call, 'methodCall');
  const name = child(ck, 'methodName');
  if (!name) throw new XmlRpcParseError('no methodName');
  const params = elems(kids(child(ck, 'params') ?? {}, 'params'))
    .filter((p) => tagOf(p) === 'param')
    .map((p) => {
      const v = child(kids(p, 'param'), 'value');
      if (!v) throw new XmlRpcParseError('param without value');
      return decodeValue(kids(v, 'value'));
    });
  return { method: text(kids(name, 'methodName')).trim(), params };
}

/** Parses a document holding one XML-RPC `<value>` (an XVA's ova.xml); throws XmlRpcParseError when it is not one. */
export function parseValueDocument(xml: string): unknown {
  let doc: XNode[];
  try {
    doc = parser.parse(xml) as XNode[];
  } catch (e) {
    throw new XmlRpcParseError(String(e));
  }
  const v = child(doc, 'value');
  if (!v) throw new XmlRpcParseError('no value');
  return decodeValue(kids(v, 'value'));
}

/** Text content; like ocaml-rpc's `encode`, control characters other than tab, LF and CR are dropped. */
const t = (s: string): XNode => ({ '#text': s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '') });
const el = (tag: string, children: XNode[]): XNode => ({ [tag]: children });
const value = (children: XNode[]): XNode => el('value', children);

/** `(K -> V) map` → [K, V]; `T set` → T; `T option` → T; `X record` → X. */
function splitMap(type: string): [string, string] | undefined {
  const m = /^\((.+?) -> (.+)\) map$/.exec(type);
  return m ? [m[1], m[2]] : undefined;
}

function byShape(v: unknown): XNode {
  if (typeof v === 'boolean') return value([el('boolean', [t(v ? '1' : '0')])]);
  if (typeof v === 'number') return Number.isInteger(v) ? value([t(String(v))]) : value([el('double', [t(String(v))])]);
  if (Array.isArray(v)) return value([el('array', [el('data', v.map(byShape))])]);
  if (v && typeof v === 'object') {
    return value([
      el(
        'struct',
        Object.entries(v).map(([k, x]) => el('member', [el('name', [t(k)]), byShape(x)])),
      ),
    ]);
  }
  return value([t(v === undefined || v === null ? '' : String(v))]);
}

/** Marshals a record of class `cls`: each field by its datamodel type. */
function recordNode(cls: string, rec: Record<string, unknown>): XNode {
  return value([
    el(
      'struct',
      Object.entries(rec)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => el('member', [el('name', [t(k)]), marshal(x, fieldType(cls, k))])),
    ),
  ]);
}

/**
 * Marshals `v` as xapi marshals a value of datamodel type `type` (e.g. `int`, `VM ref set`,
 * `(VM ref -> VM record) map`, `event record set`); `type` undefined → by shape.
 */
export function marshal(v: unknown, type?: string): XNode {
  if (!type) return byShape(v);
  if (type === 'void') return value([t('')]);
  if (type === 'string' || type.endsWith(' ref') || (type.startsWith('enum ') && !type.endsWith(' set')))
    return value([t(v === undefined || v === null ? '' : String(v))]);
  if (type === 'int') return value([t(String(typeof v === 'number' ? Math.trunc(v) : (v ?? 0)))]);
  if (type === 'float') return value([el('double', [t(String(Number(v ?? 0)))])]);
  if (type === 'bool') return value([el('boolean', [t(v ? '1' : '0')])]);
  if (type === 'datetime') return value([el('dateTime.iso8601', [t(String(v ?? ''))])]);
  if (type === 'event record') return eventNode(v as Record<string, unknown>);
  if (type === 'an event batch')
    return eventBatchNode(v as { events: unknown[]; valid_ref_counts: Record<string, number>; token: string });
  if (type.endsWith(' option')) return marshal(v, type.slice(0, -' option'.length));
  if (type.endsWith(' set'))
    return value([
      el('array', [
        el(
          'data',
          (Array.isArray(v) ? v : []).map((x) => marshal(x, type.slice(0, -' set'.length))),
        ),
      ]),
    ]);
  const map = splitMap(type);
  if (map) {
    const entries = Object.entries((v ?? {}) as Record<string, unknown>);
    return value([
      el(
        'struct',
        entries.map(([k, x]) => el('member', [el('name', [t(k)]), marshal(x, map[1])])),
      ),
    ]);
  }
  const rec = /^(\w+) record$/.exec(type);
  if (rec) return recordNode(rec[1], (v ?? {}) as Record<string, unknown>);
  return byShape(v);
}

/** An event (xapi's Event_types.event): its snapshot is a record of the event's class (lower-case on the wire). */
function eventNode(ev: Record<string, unknown>): XNode {
  const cls = String(ev.class ?? '');
  const members = Object.entries(ev)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => {
      const node =
        k === 'snapshot'
          ? recordNode(canonicalClass(cls) ?? cls, x as Record<string, unknown>)
          : k === 'id'
            ? value([t(String(x))])
            : marshal(x);
      return el('member', [el('name', [t(k)]), node]);
    });
  return value([el('struct', members)]);
}

/** The body xapi sends for `event.from`: {events: event record set, valid_ref_counts: (string -> int) map, token}. */
export function eventBatchNode(batch: {
  events: unknown[];
  valid_ref_counts: Record<string, number>;
  token: string;
}): XNode {
  return value([
    el('struct', [
      el('member', [el('name', [t('events')]), marshal(batch.events, 'event record set')]),
      // int32 counts (xapi_event.ml folds them with Int32.add): ocaml-rpc writes Int32 as <i4>
      el('member', [
        el('name', [t('valid_ref_counts')]),
        value([
          el(
            'struct',
            Object.entries(batch.valid_ref_counts).map(([k, n]) => member(k, value([el('i4', [t(String(n))])]))),
          ),
        ]),
      ]),
      el('member', [el('name', [t('token')]), marshal(batch.token, 'string')]),
    ]),
  ]);
}

function member(name: string, node: XNode): XNode {
  return el('member', [el('name', [t(name)]), node]);
}

const XML_DECL = '<?xml version="1.0"?>';

/** A `<methodResponse>` carrying xapi's {Status: Success, Value} struct (ocaml-rpc `add_response`). */
export function successResponse(valueNode: XNode): string {
  return (
    XML_DECL +
    builder.build([
      el('methodResponse', [
        el('params', [
          el('param', [value([el('struct', [member('Status', value([t('Success')])), member('Value', valueNode)])])]),
        ]),
      ]),
    ])
  );
}

/** A `<methodResponse>` carrying xapi's {Status: Failure, ErrorDescription: [code, params…]} struct. */
export function failureResponse(errorDescription: string[]): string {
  return (
    XML_DECL +
    builder.build([
      el('methodResponse', [
        el('params', [
          el('param', [
            value([
              el('struct', [
                member('Status', value([t('Failure')])),
                member('ErrorDescription', marshal(errorDescription, 'string set')),
              ]),
            ]),
          ]),
        ]),
      ]),
    ])
  );
}

/** One XML-RPC `<value>` as text (task.result carries one, e.g. `<value>OpaqueRef:…</value>`). */
export function valueXml(v: unknown, type?: string): string {
  return builder.build([marshal(v, type)]);
}
