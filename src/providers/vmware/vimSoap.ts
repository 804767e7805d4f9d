// Hand-built vim25 SOAP envelopes (vSphere Web Services API; the envelope govmomi's vim25/soap client sends):
// POST /sdk, Content-Type text/xml, SOAPAction urn:vim25/<apiVersion>, the method element in namespace urn:vim25
// with `_this` as its first child.
import { MoRef } from './vimValue';
import { XmlElement } from './vimXml';

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Escapes text for an element or attribute; refuses characters XML 1.0 cannot carry (a hostile name must not reach the wire). */
export function xmlEscape(text: string): string {
  if (INVALID_XML_CHARS.test(text)) throw new TypeError('text contains control characters that XML cannot carry');
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** `<name>text</name>`; undefined gives nothing (an unset optional argument). */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** `<name type="T">value</name>`: a managed object reference argument. */
export function morEl(name: string, ref: MoRef): string {
  return `<${name} type="${xmlEscape(ref.type)}">${xmlEscape(ref.value)}</${name}>`;
}

/** The request body for `method` on `self`; `args` is already-escaped XML (built with el/morEl). */
export function envelope(method: string, self: MoRef, args = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="urn:vim25">${morEl('_this', self)}${args}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}

const XSD_TYPES = new Set([
  'string',
  'boolean',
  'int',
  'long',
  'short',
  'byte',
  'float',
  'double',
  'dateTime',
  'base64Binary',
  'anyURI',
  'anyType',
]);

/**
 * Writes a reply element back as a request argument named `name` (e.g. CreateImportSpec's importSpec passed to
 * ImportVApp as `spec`): children, text and plain attributes as received, xsi:type kept (vim25 data types unprefixed,
 * in the envelope's default namespace urn:vim25; XML Schema types as `xsd:`).
 */
export function elementXml(e: XmlElement, name = e.name): string {
  const type = e.xsiType ? ` xsi:type="${XSD_TYPES.has(e.xsiType) ? 'xsd:' : ''}${xmlEscape(e.xsiType)}"` : '';
  const attrs = Object.entries(e.attrs)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('');
  const inner = e.children.length ? e.children.map((c) => elementXml(c)).join('') : xmlEscape(e.text);
  return `<${name}${type}${attrs}>${inner}</${name}>`;
}
