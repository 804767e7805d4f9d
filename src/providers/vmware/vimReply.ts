// One vim25 SOAP reply as it is read (vSphere Web Services API; the envelope govmomi's vim25/soap client reads):
// soapenv:Envelope > soapenv:Body > either soapenv:Fault or `<method>Response` with its `returnval`s. Envelope, Body,
// the response element and a fault are kept as a tree; the response's children either join that tree or, for the
// large replies (inventory pages, update sets), are decoded straight into values while the reply arrives.
import { SOAP_ENV_NS, XmlElement, XmlSink, XmlTree, malformed } from './vimXml';
import { VimValue, VimValueBuilder } from './vimValue';
import { soapFaultError } from './vimFaults';

/** The XmlSink for one reply; after the reader closed, `result(method)` checks its shape. */
export class SoapReply implements XmlSink {
  private readonly tree = new XmlTree();
  private readonly values?: VimValueBuilder;
  private depth = 0;
  /** Whether the element at depth 3 is the response (not a Fault): its children go to `values`. */
  private inResponse = false;

  /**
   * decodeValues: the response's children become values (see VimValueBuilder) instead of tree elements; onField is
   * then called with each field of a returnval as soon as it is decoded.
   */
  constructor(decodeValues: boolean, onField?: (name: string, value: VimValue) => void) {
    if (decodeValues) this.values = new VimValueBuilder(onField);
  }

  open(
    name: string,
    ns: string,
    attrs: Record<string, string>,
    xsiType: string | undefined,
    nsAttrs: Record<string, string> | undefined,
  ): void {
    const depth = ++this.depth;
    if (depth === 3) this.inResponse = !(name === 'Fault' && ns === SOAP_ENV_NS);
    if (depth > 3 && this.inResponse && this.values) this.values.open(name, ns, attrs, xsiType);
    else this.tree.open(name, ns, attrs, xsiType, nsAttrs);
  }

  text(t: string): void {
    if (this.depth > 3 && this.inResponse && this.values) this.values.text(t);
    else this.tree.text(t);
  }

  close(): void {
    if (this.depth > 3 && this.inResponse && this.values) this.values.close();
    else this.tree.close();
    this.depth--;
  }

  /**
   * The `<method>Response` element, and its children decoded as values when asked (else `values` is empty). A SOAP
   * fault throws its VendorError (vimFaults.ts); anything but an envelope with that response is MALFORMED_REPLY.
   */
  result(method: string): { response: XmlElement; values: VimValue[] } {
    const doc = this.tree.root;
    const body =
      doc && doc.ns === SOAP_ENV_NS && doc.name === 'Envelope'
        ? doc.children.find((c) => c.name === 'Body')
        : undefined;
    if (!body || body.ns !== SOAP_ENV_NS) throw malformed(`reply to ${method} is not a SOAP envelope`);
    const fault = body.children.find((c) => c.name === 'Fault' && c.ns === SOAP_ENV_NS);
    if (fault) throw soapFaultError(fault);
    const response = body.children[0];
    if (!response || response.name !== `${method}Response`)
      throw malformed(`reply to ${method} has no ${method}Response`);
    return { response, values: this.values?.values ?? [] };
  }
}
