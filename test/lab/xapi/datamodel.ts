// The XenAPI datamodel (fields, types, defaults, messages) of the classes the lab serves, from the datamodel dump
// xapi's build exports (ocaml/idl/datamodel*.ml → JSON); trimmed by datamodel/trim.mjs into lab-datamodel.json.
// Records get every field the datamodel declares, with its declared default, so clients read what xapi sends.
import { NULL_REF } from './errors';
import labDatamodel from './datamodel/lab-datamodel.json';

/** One field as the datamodel declares it: `type` is the datamodel's type text, e.g. `(string -> string) map`. */
export interface DmField {
  name: string;
  type: string;
  qualifier: string;
  default?: string;
}
/** One message: `result` and `params` are datamodel type texts (params include the leading `session ref`). */
export interface DmMessage {
  name: string;
  result: string;
  params: string[];
  implicit?: true;
}
export interface DmClass {
  fields: DmField[];
  messages: DmMessage[];
  enums: Record<string, string[]>;
}

const DM = labDatamodel as unknown as Record<string, DmClass>;

/** The trimmed datamodel, class name → class. */
export function datamodel(): Record<string, DmClass> {
  return DM;
}

export function dmClass(cls: string): DmClass | undefined {
  return datamodel()[cls];
}

export function fieldType(cls: string, field: string): string | undefined {
  return dmClass(cls)?.fields.find((f) => f.name === field)?.type;
}

export function message(cls: string, name: string): DmMessage | undefined {
  return dmClass(cls)?.messages.find((m) => m.name === name);
}

/** Parses a datamodel default literal (`{}`, `"1.0"`, `-1`, `OpaqueRef:NULL`, `{"a" -> "b"}`, `{x}`) as its type says. */
function parseDefault(type: string, text: string): unknown {
  if (type === 'int' || type === 'float') return Number(text.replace(/\.$/, ''));
  if (type === 'bool') return text === 'true';
  if (type === 'string') return text.startsWith('"') ? JSON.parse(text) : text;
  if (type.endsWith(' ref')) return text === 'Null' ? NULL_REF : text;
  if (type.endsWith(' map')) {
    const out: Record<string, string> = {};
    for (const m of text.matchAll(/"([^"]*)" -> "([^"]*)"/g)) out[m[1]] = m[2];
    return out;
  }
  if (type.endsWith(' set'))
    return text === '{}'
      ? []
      : text
          .slice(1, -1)
          .split(', ')
          .map((x) => (type.startsWith('int') ? Number(x) : x));
  return text;
}

/** The value xapi stores when a field has no declared default: the type's zero (first value for an enum). */
function zeroOf(cls: string, type: string): unknown {
  if (type === 'int' || type === 'float') return 0;
  if (type === 'bool') return false;
  if (type === 'datetime') return '19700101T00:00:00Z';
  if (type.endsWith(' ref')) return NULL_REF;
  if (type.endsWith(' set')) return [];
  if (type.endsWith(' map')) return {};
  if (type.endsWith(' option')) return undefined;
  const e = /^enum (\w+)$/.exec(type);
  if (e) return dmClass(cls)?.enums[e[1]]?.[0] ?? '';
  return '';
}

const defaultsCache = new Map<string, [string, unknown][]>();

/** Each field of `cls` with its default value (computed once per class). */
function defaultsOf(cls: string): [string, unknown][] {
  let d = defaultsCache.get(cls);
  if (!d) {
    d = [];
    for (const f of dmClass(cls)?.fields ?? []) {
      const v = f.default !== undefined ? parseDefault(f.type, f.default) : zeroOf(cls, f.type);
      if (v !== undefined) d.push([f.name, v]);
    }
    defaultsCache.set(cls, d);
  }
  return d;
}

/** Fills every datamodel field missing from `rec` with its default (in place); returns `rec`. */
export function withDefaults<T extends Record<string, unknown>>(cls: string, rec: T): T {
  const r = rec as Record<string, unknown>;
  for (const [name, v] of defaultsOf(cls)) {
    if (name in r) continue;
    r[name] = Array.isArray(v) ? [...v] : v !== null && typeof v === 'object' ? { ...v } : v;
  }
  return rec;
}
