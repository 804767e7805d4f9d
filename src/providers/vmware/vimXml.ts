// A namespace-aware element tree for vim25 SOAP replies, built with saxes (xmlns on): attributes and element names
// are resolved by namespace URI, so `xsi:type` is found whatever prefix the server binds it to (vcsim writes
// `XMLSchema-instance:type` with its own xmlns, see test/peers/vcsim/README.md). saxes expands no DTD entities, so
// entity bombs fail as malformed; depth and element count are bounded so a hostile reply fails cleanly.
import { SaxesParser } from 'saxes';
import { VendorError } from '../../core/errors';

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** One element: local name, namespace URI, unqualified attributes, xsi:type (local part), children, text (leaves). */
export interface XmlElement {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  /** The xsi:type's local part (`xsd:string` → `string`, `VirtualMachineSnapshot` as is), if any. */
  xsiType?: string;
  children: XmlElement[];
  text: string;
  /** Namespace-qualified attributes other than xsi:type and xmlns, by `<namespace URI> <local name>` (e.g. OVF's ovf:href). */
  nsAttrs?: Record<string, string>;
}

export interface XmlLimits {
  maxDepth?: number;
  maxElements?: number;
}

/** A reply that is not what a vim25 server sends (not XML, too deep, wrong shape). Code `MALFORMED_REPLY`. */
export function malformed(detail: string): VendorError {
  return new VendorError('MALFORMED_REPLY', [detail.slice(0, 300)]);
}

/**
 * Shared, frozen empties for the attributes and children of elements that have none (most vim25 elements are leaves
 * without attributes): a 2,000-VM inventory has 90,000 elements, and two fresh objects each kept the collector busy.
 */
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

/**
 * Builds the element tree from text written piece by piece (a reply parsed while it arrives); close() returns the root.
 * Throws MALFORMED_REPLY on anything that is not well-formed or exceeds the limits.
 */
export class XmlTreeBuilder {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly stack: XmlElement[] = [];
  private root?: XmlElement;
  private count = 0;

  constructor(limits: XmlLimits = {}) {
    const maxDepth = limits.maxDepth ?? 64;
    const maxElements = limits.maxElements ?? 5_000_000;
    const stack = this.stack;
    this.parser.on('opentag', (tag) => {
      if (stack.length >= maxDepth) throw malformed(`XML nested deeper than ${maxDepth}`);
      if (++this.count > maxElements) throw malformed(`XML has more than ${maxElements} elements`);
      const el: XmlElement = {
        name: tag.local ?? tag.name,
        ns: tag.uri ?? '',
        attrs: NO_ATTRS,
        children: NO_CHILDREN,
        text: '',
      };
      const attributes = tag.attributes;
      for (const k in attributes) {
        const a = attributes[k];
        if (a.uri === XSI_NS && a.local === 'type') el.xsiType = a.value.slice(a.value.indexOf(':') + 1);
        else if (!a.uri && !a.prefix && k !== 'xmlns') {
          if (el.attrs === NO_ATTRS) el.attrs = {};
          el.attrs[a.local] = a.value;
        } else if (a.uri && a.prefix !== 'xmlns' && a.uri !== 'http://www.w3.org/2000/xmlns/')
          (el.nsAttrs ??= {})[`${a.uri} ${a.local}`] = a.value;
      }
      if (stack.length) {
        const parent = stack[stack.length - 1];
        if (parent.children === NO_CHILDREN) parent.children = [el];
        else parent.children.push(el);
      } else this.root = el;
      stack.push(el);
    });
    this.parser.on('text', (t) => {
      if (stack.length) stack[stack.length - 1].text += t;
    });
    this.parser.on('closetag', () => {
      stack.pop();
    });
  }

  write(text: string): void {
    this.guard(() => this.parser.write(text));
  }

  close(): XmlElement {
    this.guard(() => this.parser.close());
    if (!this.root) throw malformed('empty reply');
    return this.root;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof VendorError) throw err;
      throw malformed(`not well-formed XML: ${(err as Error).message}`);
    }
  }
}

/** Parses a whole document (see XmlTreeBuilder). */
export function parseXml(text: string, limits: XmlLimits = {}): XmlElement {
  const b = new XmlTreeBuilder(limits);
  b.write(text);
  return b.close();
}

/** The first child with this local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child with this local name. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The text of the first child with this local name ('' when absent). */
export function childText(el: XmlElement | undefined, name: string): string {
  return child(el, name)?.text ?? '';
}
