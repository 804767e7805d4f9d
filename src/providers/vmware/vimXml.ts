// vim25 SOAP replies read with saxes, a kept, strict, streaming and namespace-aware XML parser (xmlns on): element
// names and attributes are resolved by namespace URI, so `xsi:type` is found whatever prefix the server binds it to
// (vcsim writes `XMLSchema-instance:type` with its own xmlns on every value, see test/peers/vcsim/README.md).
// XmlReader turns saxes' events into one small record per element for a sink: XmlTreeBuilder keeps them as a tree
// (small replies, faults, OVF descriptors); vimValue.ts's VimValueBuilder decodes them straight into values without a
// tree (a 2,000-VM inventory is 90,000 elements). saxes expands no DTD entities and a DOCTYPE is refused, so entity
// bombs fail as malformed; depth and element count are bounded so a hostile reply fails cleanly.
import { SaxesParser } from 'saxes';
import { VendorError } from '../../core/errors';

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

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
  /** Deepest nesting accepted (default 64; vim25 replies nest about 15 deep). */
  maxDepth?: number;
  /** Most elements accepted in one document (default 5,000,000). */
  maxElements?: number;
}

/**
 * What XmlReader feeds: `open` with each element's local name, namespace URI, unqualified attributes (NO_ATTRS when
 * none), xsi:type's local part and other namespace-qualified attributes; its text in pieces (character data with
 * entities decoded, and CDATA sections as they are); then `close` — properly nested, the root's close last.
 */
export interface XmlSink {
  open(
    name: string,
    ns: string,
    attrs: Record<string, string>,
    xsiType: string | undefined,
    nsAttrs: Record<string, string> | undefined,
  ): void;
  text(text: string): void;
  close(): void;
}

/** A reply that is not what a vim25 server sends (not XML, too deep, wrong shape). Code `MALFORMED_REPLY`. */
export function malformed(detail: string): VendorError {
  return new VendorError('MALFORMED_REPLY', [detail.slice(0, 300)]);
}

/**
 * Shared, frozen empties for the attributes and children of elements that have none (most vim25 elements are leaves
 * without attributes): fresh objects for each of 90,000 elements kept the garbage collector busy.
 */
export const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;
export const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

/**
 * Parses text written piece by piece (a reply read while it arrives) and feeds each element to `sink`. Throws
 * MALFORMED_REPLY on anything that is not well-formed XML, has a DOCTYPE, or exceeds the limits; what the sink throws
 * (a VendorError) passes through as is.
 */
export class XmlReader {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private depth = 0;
  private sawRoot = false;

  constructor(sink: XmlSink, limits: XmlLimits = {}) {
    const maxDepth = limits.maxDepth ?? 64;
    const maxElements = limits.maxElements ?? 5_000_000;
    let count = 0;
    this.parser.on('doctype', () => {
      throw malformed('a DOCTYPE in a reply is not accepted');
    });
    this.parser.on('opentag', (tag) => {
      if (this.depth >= maxDepth) throw malformed(`XML nested deeper than ${maxDepth}`);
      if (++count > maxElements) throw malformed(`XML has more than ${maxElements} elements`);
      this.depth++;
      this.sawRoot = true;
      let attrs = NO_ATTRS;
      let xsiType: string | undefined;
      let nsAttrs: Record<string, string> | undefined;
      const attributes = tag.attributes;
      for (const k in attributes) {
        const a = attributes[k];
        if (a.uri === XSI_NS && a.local === 'type') xsiType = a.value.slice(a.value.indexOf(':') + 1);
        else if (!a.uri && !a.prefix && k !== 'xmlns') {
          if (attrs === NO_ATTRS) attrs = {};
          attrs[a.local] = a.value;
        } else if (a.uri && a.prefix !== 'xmlns' && a.uri !== XMLNS_NS)
          (nsAttrs ??= {})[`${a.uri} ${a.local}`] = a.value;
      }
      sink.open(tag.local ?? tag.name, tag.uri ?? '', attrs, xsiType, nsAttrs);
    });
    // Text outside the root is whitespace (saxes refuses anything else): it belongs to no element.
    const text = (t: string) => {
      if (this.depth) sink.text(t);
    };
    this.parser.on('text', text);
    this.parser.on('cdata', text);
    this.parser.on('closetag', () => {
      this.depth--;
      sink.close();
    });
  }

  write(text: string): void {
    this.guard(() => this.parser.write(text));
  }

  /** Ends the document: throws MALFORMED_REPLY if it is empty or incomplete. */
  close(): void {
    this.guard(() => this.parser.close());
    if (!this.sawRoot) throw malformed('empty reply');
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

/** A sink that keeps every element as a tree; `root` once the document is read. */
export class XmlTree implements XmlSink {
  private readonly stack: XmlElement[] = [];
  root?: XmlElement;

  open(
    name: string,
    ns: string,
    attrs: Record<string, string>,
    xsiType: string | undefined,
    nsAttrs: Record<string, string> | undefined,
  ): void {
    const el: XmlElement = { name, ns, attrs, children: NO_CHILDREN, text: '' };
    if (xsiType !== undefined) el.xsiType = xsiType;
    if (nsAttrs) el.nsAttrs = nsAttrs;
    const stack = this.stack;
    if (stack.length) {
      const parent = stack[stack.length - 1];
      if (parent.children === NO_CHILDREN) parent.children = [el];
      else parent.children.push(el);
    } else this.root = el;
    stack.push(el);
  }

  text(t: string): void {
    this.stack[this.stack.length - 1].text += t;
  }

  close(): void {
    this.stack.pop();
  }
}

/**
 * Builds the element tree from text written piece by piece; close() returns the root. Throws MALFORMED_REPLY on
 * anything that is not well-formed or exceeds the limits.
 */
export class XmlTreeBuilder {
  private readonly tree = new XmlTree();
  private readonly reader: XmlReader;

  constructor(limits: XmlLimits = {}) {
    this.reader = new XmlReader(this.tree, limits);
  }

  write(text: string): void {
    this.reader.write(text);
  }

  close(): XmlElement {
    this.reader.close();
    return this.tree.root!;
  }
}

/** Parses a whole document (see XmlTreeBuilder). */
export function parseXml(text: string, limits: XmlLimits = {}): XmlElement {
  const b = new XmlTreeBuilder(limits);
  b.write(text);
  return b.close();
}

/**
 * Feeds a tree already built to a sink as XmlReader would have, elements in document order; the text of an element with
 * children (mixed content, which vim25 does not use) is not fed.
 */
export function replay(el: XmlElement, sink: XmlSink): void {
  sink.open(el.name, el.ns, el.attrs, el.xsiType, el.nsAttrs);
  if (el.children.length) for (const c of el.children) replay(c, sink);
  else if (el.text) sink.text(el.text);
  sink.close();
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
