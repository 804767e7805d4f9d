// Hand-built vim25 SOAP envelopes (vSphere Web Services API; the envelope govmomi's vim25/soap client sends):
// POST /sdk, Content-Type text/xml, SOAPAction urn:vim25/<apiVersion>, the method element in namespace urn:vim25
// with `_this` as its first child.
import { MoRef } from './vimValue';

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
