// What the CLI prints of text it did not write (VM names, vendor errors, descriptions, file contents) goes through
// here: a VM named "\x1b]0;…\x07" or "invoice\u202Efdp.exe" must not drive the terminal or reorder the line.

/**
 * C0 controls (newline and tab included: one value, one line), DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC),
 * the line and paragraph separators, and the bidirectional controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character shown as an escape (`\x1b`, `\u202e`): safe to write to a terminal. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}

/** Several lines of output (our own line breaks), each line made printable. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 but leaves DEL, C1 and the bidi controls raw; here they
 * are `\uXXXX` escapes too, so the JSON is the same data and shows as plain text.
 */
export function printableJson(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(UNESCAPED_BY_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** UNPRINTABLE less C0, which JSON.stringify escapes inside strings (and whose newlines lay the JSON out). */
const UNESCAPED_BY_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
