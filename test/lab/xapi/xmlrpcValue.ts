// XML text escaping for the XML the lab writes by hand (ova.xml's envelope, the pool database dump's attributes).

/** Escapes the five characters XML text and attribute values cannot hold as they are. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
