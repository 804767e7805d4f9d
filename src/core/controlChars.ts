// Makes text from files and servers safe to print: control characters never reach a terminal, a message or a tree raw.
// The one place that knows which characters those are and how they are shown: the CLI (cli/printable.ts), the
// language support (formats/*) and the VS Code layer (views, pickers, notifications) all escape through here.

/**
 * C0 controls (newline and tab included: one value, one line), DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC),
 * the line and paragraph separators, and the bidirectional controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI).
 */
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[${CONTROL_CLASS}]`, 'g');
/** CONTROL less C0, which JSON.stringify escapes inside strings itself (and whose newlines lay the JSON out). */
const CONTROL_UNESCAPED_BY_JSON = new RegExp(`[${CONTROL_CLASS.replace('\\u0000-\\u001f', '')}]`, 'g');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

/** `\xHH` below U+0100, `\uHHHH` above. */
const hexEscape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * How control characters are shown. `named` (default): `\t`, `\n`, `\r`, `\e` for those four, `\xHH`/`\uHHHH` for the
 * rest — for messages about a file's text. `hex`: every one as `\xHH`/`\uHHHH` (`\x1b`, `\u202e`) — the CLI's output.
 * `keepNewlines`: leave `\n` as is, for multi-line text whose line breaks are ours.
 */
export interface EscapeOptions {
  style?: 'named' | 'hex';
  keepNewlines?: boolean;
}

/**
 * `s` with every C0/C1 control character, DEL, line/paragraph separator and bidirectional control replaced by a
 * visible escape: a VM named "\x1b]0;…\x07" or "invoice\u202Efdp.exe" can then neither drive a terminal nor reorder a
 * line. `options` may be a boolean, meaning `keepNewlines` (the older signature).
 */
export function escapeControlChars(s: string, options: EscapeOptions | boolean = {}): string {
  const { style = 'named', keepNewlines = false } = typeof options === 'boolean' ? { keepNewlines: options } : options;
  return String(s).replace(CONTROL, (c) => {
    if (keepNewlines && c === '\n') return c;
    return (style === 'named' && NAMED[c]) || hexEscape(c);
  });
}

/**
 * `JSON.stringify(data, null, 2)` with DEL, C1 and the bidirectional controls (which JSON leaves raw) as `\uXXXX`
 * escapes too: the same data, shown as plain text.
 */
export function escapeControlCharsInJson(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(
    CONTROL_UNESCAPED_BY_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A piece of foreign text for a one-line message: escaped, and cut to `max` characters with an ellipsis. */
export function quoteForMessage(s: string, max = 80): string {
  // Characters that look like a space or like nothing are shown as \uXXXX too: "[storage1]\u00a0web01" says why it is wrong.
  const e = escapeControlChars(s).replace(
    /[\u00a0\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return e.length > max ? e.slice(0, max) + '…' : e;
}

/**
 * A remote program's output for the end of a message of ours (`…exited with 1` + this): '' when it holds only blanks;
 * `: <line>` for one line; else `:` and each of its lines on a line of its own after `indent`. Each line is escaped
 * (`style`, as escapeControlChars: `\r` and every other control shown as an escape) and blank lines are left out, so
 * the output reads as lines under the message and no line of it can pass for one of ours.
 */
export function remoteOutputText(text: string, indent = '  ', style: 'named' | 'hex' = 'hex'): string {
  const lines = String(text)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => escapeControlChars(l.trimEnd(), { style }));
  if (lines.length <= 1) return lines.length ? `: ${lines[0]}` : '';
  return ':' + lines.map((l) => `\n${indent}${l}`).join('');
}
