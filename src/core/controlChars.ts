// Makes text from files and servers safe to print: control characters never reach a terminal or a message raw.

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

/**
 * Replaces C0/C1 control characters, DEL, line/paragraph separators and bidirectional controls with visible
 * escapes (`\r`, `\t`, `\x07`, `\u202e`…). Pass `keepNewlines` for multi-line output whose line breaks are ours.
 */
export function escapeControlChars(s: string, keepNewlines = false): string {
  return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (keepNewlines && c === '\n') return c;
    if (NAMED[c]) return NAMED[c];
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A piece of foreign text for a one-line message: escaped, and cut to `max` characters with an ellipsis. */
export function quoteForMessage(s: string, max = 80): string {
  // Characters that look like a space or like nothing are shown as \uXXXX too: "[storage1]\u00a0web01" says why it is wrong.
  const e = escapeControlChars(s).replace(/[\u00a0\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return e.length > max ? e.slice(0, max) + '…' : e;
}
