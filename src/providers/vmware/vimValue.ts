// vim25 property values (ObjectContent.propSet[].val, TaskInfo…) decoded from XML, and typed accessors that turn
// a wrong shape into MALFORMED_REPLY instead of a wrong answer. Shapes follow the vSphere Web Services API
// reference (vim25 data objects) as govmomi's vim25/types encodes them.
import { XmlElement, malformed } from './vimXml';

/** A managed object reference: its type (e.g. `VirtualMachine`) and its moref value (e.g. `vm-57`). */
export interface MoRef {
  type: string;
  value: string;
}
export type VimValue = string | number | boolean | MoRef | VimObject | VimValue[];
/** A data object: its xsi:type (if sent) and fields by name; a repeated field is an array. */
export interface VimObject {
  _type?: string;
  [field: string]: VimValue | undefined;
}

const NUMERIC = new Set(['int', 'long', 'short', 'byte', 'float', 'double']);
const PRIMITIVE = new Set(['string', 'boolean', 'dateTime', 'base64Binary', 'anyURI', 'anyType', ...NUMERIC]);

/**
 * Decodes one value element. `ArrayOf…` types become arrays; an element with a plain `type` attribute and no children
 * is a MoRef; leaves are typed by xsi:type (xsd:boolean, xsd:int…) or stay strings; others become VimObjects.
 */
export function decodeValue(el: XmlElement): VimValue {
  if (el.xsiType?.startsWith('ArrayOf')) return el.children.map(decodeValue);
  if (!el.children.length) {
    if (el.attrs.type !== undefined) return { type: el.attrs.type, value: el.text };
    if (el.xsiType === 'boolean') return el.text === 'true' || el.text === '1';
    if (el.xsiType && NUMERIC.has(el.xsiType)) {
      const n = Number(el.text);
      if (!Number.isFinite(n)) throw malformed(`${el.name}: "${el.text}" is not a number`);
      return n;
    }
    // A data object with no fields set (e.g. a fault `<fault xsi:type="RequestCanceled"/>`) keeps its type.
    if (el.xsiType && el.text === '' && !PRIMITIVE.has(el.xsiType)) return { _type: el.xsiType };
    return el.text;
  }
  const obj: VimObject = el.xsiType ? { _type: el.xsiType } : {};
  for (const c of el.children) {
    const v = decodeValue(c);
    const prev = obj[c.name];
    if (prev === undefined) obj[c.name] = v;
    else if (Array.isArray(prev) && (prev as unknown as { repeated?: boolean }).repeated) prev.push(v);
    else {
      const list: VimValue[] = [prev, v];
      Object.defineProperty(list, 'repeated', { value: true });
      obj[c.name] = list;
    }
  }
  return obj;
}

export function isMoRef(v: unknown): v is MoRef {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as MoRef).type === 'string' &&
    typeof (v as MoRef).value === 'string' &&
    Object.keys(v).length === 2
  );
}

/** A list field: absent → [], one → [it], many → them. */
export function asList(v: VimValue | undefined): VimValue[] {
  if (v === undefined || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

export function asString(v: VimValue | undefined, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw malformed(`${what}: expected text`);
}

export function optString(v: VimValue | undefined, what: string): string | undefined {
  return v === undefined ? undefined : asString(v, what);
}

export function optNumber(v: VimValue | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw malformed(`${what}: expected a number`);
  return n;
}

export function optBool(v: VimValue | undefined, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw malformed(`${what}: expected a boolean`);
}

export function asMoRef(v: VimValue | undefined, what: string): MoRef {
  if (isMoRef(v)) return v;
  throw malformed(`${what}: expected a managed object reference`);
}

export function optMoRef(v: VimValue | undefined, what: string): MoRef | undefined {
  return v === undefined || v === '' ? undefined : asMoRef(v, what);
}

export function asObject(v: VimValue | undefined, what: string): VimObject {
  if (v === '' || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v) && !isMoRef(v)) return v as VimObject;
  throw malformed(`${what}: expected a data object`);
}
