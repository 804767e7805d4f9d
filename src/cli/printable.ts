// What the CLI prints of text it did not write (VM names, vendor errors, descriptions, file contents) goes through
// here: a VM named "\x1b]0;…\x07" or "invoice\u202Efdp.exe" must not drive the terminal or reorder the line.
// Which characters are escaped, and how, is core/controlChars.ts's (shared with the VS Code layer); the CLI uses hex.
import { escapeControlChars, escapeControlCharsInJson } from '../core/controlChars';

/** `text` with every control character shown as an escape (`\x1b`, `\u202e`): safe to write to a terminal. */
export function printable(text: string): string {
  return escapeControlChars(text, { style: 'hex' });
}

/** Several lines of output (our own line breaks), each line made printable and without blanks at its end. */
export function printableLines(text: string): string {
  return escapeControlChars(text, { style: 'hex', keepNewlines: true }).replace(/ +$/gm, '');
}

/** JSON for a terminal or a pipe: the same data, with no control character raw (escapeControlCharsInJson). */
export function printableJson(data: unknown): string {
  return escapeControlCharsInJson(data);
}
