// vim25 property values (ObjectContent.propSet[].val, TaskInfo…) decoded from XML, and typed accessors that turn
// a wrong shape into MALFORMED_REPLY instead of a wrong answer. Shapes follow the vSphere Web Services API
// reference (vim25 data objects) as govmomi's vim25/types encodes them.
import { XmlElement, XmlSink, malformed, replay } from './vimXml';

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

/** Marks a list made of a repeated field (not an `ArrayOf…` value), so a third occurrence is appended to it. */
const REPEATED = new WeakSet<VimValue[]>();

/**
 * An XmlSink that decodes the elements it is fed straight into values, without a tree (what a large
 * RetrievePropertiesEx or WaitForUpdatesEx reply is read with). Each top-level element fed becomes one value, in
 * `values`. Rules: `ArrayOf…` types become arrays; an element with a plain `type` attribute and no children is a
 * MoRef; leaves are typed by xsi:type (xsd:boolean, xsd:int…) or stay strings; others become VimObjects whose
 * repeated fields are arrays. A number that is not one throws MALFORMED_REPLY.
 */
export class VimValueBuilder implements XmlSink {
  readonly values: VimValue[] = [];
  // The open elements, one entry each in parallel arrays (no object per element): name, xsi:type, the `type`
  // attribute of a moref, and the object or list its children made so far (undefined: no child yet).
  private readonly names: string[] = [];
  private readonly types: Array<string | undefined> = [];
  private readonly moTypes: Array<string | undefined> = [];
  private readonly made: Array<VimObject | VimValue[] | undefined> = [];
  /** The text of the innermost open element since it opened (only a leaf's text is used). */
  private leafText = '';

  /** onField: called with each field of a top-level value as soon as it is decoded (e.g. a page's token). */
  constructor(private readonly onField?: (name: string, value: VimValue) => void) {}

  open(name: string, _ns: string, attrs: Record<string, string>, xsiType: string | undefined): void {
    this.names.push(name);
    this.types.push(xsiType);
    this.moTypes.push(attrs.type);
    this.made.push(undefined);
    this.leafText = '';
  }

  text(t: string): void {
    this.leafText += t;
  }

  close(): void {
    const name = this.names.pop()!;
    const xsiType = this.types.pop();
    const moType = this.moTypes.pop();
    const made = this.made.pop();
    const v: VimValue =
      xsiType !== undefined && xsiType.startsWith('ArrayOf')
        ? ((made as VimValue[] | undefined) ?? [])
        : made !== undefined
          ? made
          : leaf(name, xsiType, moType, this.leafText);
    this.leafText = '';
    const depth = this.names.length;
    if (!depth) {
      this.values.push(v);
      return;
    }
    if (depth === 1) this.onField?.(name, v);
    const parentType = this.types[depth - 1];
    if (parentType !== undefined && parentType.startsWith('ArrayOf')) {
      const list = this.made[depth - 1] as VimValue[] | undefined;
      if (list) list.push(v);
      else this.made[depth - 1] = [v];
      return;
    }
    let obj = this.made[depth - 1] as VimObject | undefined;
    if (!obj) this.made[depth - 1] = obj = parentType ? { _type: parentType } : {};
    const prev = obj[name];
    if (prev === undefined) obj[name] = v;
    else if (Array.isArray(prev) && REPEATED.has(prev)) prev.push(v);
    else {
      const list: VimValue[] = [prev, v];
      REPEATED.add(list);
      obj[name] = list;
    }
  }
}

/** A childless element's value. */
function leaf(name: string, xsiType: string | undefined, moType: string | undefined, text: string): VimValue {
  if (moType !== undefined) return { type: moType, value: text };
  if (xsiType === undefined) return text;
  if (xsiType === 'boolean') return text === 'true' || text === '1';
  if (NUMERIC.has(xsiType)) {
    const n = Number(text);
    if (!Number.isFinite(n)) throw malformed(`${name}: "${text}" is not a number`);
    return n;
  }
  // A data object with no fields set (e.g. a fault `<fault xsi:type="RequestCanceled"/>`) keeps its type.
  if (text === '' && !PRIMITIVE.has(xsiType)) return { _type: xsiType };
  return text;
}

/** Decodes one element of a tree already built, by the rules of VimValueBuilder. */
export function decodeValue(el: XmlElement): VimValue {
  const b = new VimValueBuilder();
  replay(el, b);
  return b.values[0];
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
