// What the CLI prints of text it did not write (VM names, vendor errors, descriptions, file contents) goes through
// here: a VM named "\x1b]0;…\x07" or "invoice\u202Efdp.exe" must not drive the terminal or reorder the line, and a VM
// named "a\nb" must not print as two lines (the second looking like a VM of its own).
// Which characters are escaped, and how, is core/controlChars.ts's (shared with the VS Code layer); the CLI uses hex.
import { escapeControlChars, escapeControlCharsInJson } from '../core/controlChars';

/** `text` with every control character (newline included) shown as an escape (`\x1b`, `\x0a`): one line, safe. */
export function printable(text: string): string {
  return escapeControlChars(text, { style: 'hex' });
}

/**
 * Text of ours with foreign values in it: `` shown`backed up ${vm.name} to ${dir}` `` keeps the line breaks written in
 * the template and escapes each interpolated value whole (printable: its newlines too), so a value cannot start a line.
 * Join lines made this way with '\n' rather than interpolating one into another (it would be escaped again).
 */
export function shown(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((s, part, i) => s + printable(String(values[i - 1])) + part);
}

/** Several lines of output (our own line breaks), each line made printable and without blanks at its end. */
export function printableLines(text: string): string {
  return escapeControlChars(text, { style: 'hex', keepNewlines: true }).replace(/ +$/gm, '');
}

/** JSON for a terminal or a pipe: the same data, with no control character raw (escapeControlCharsInJson). */
export function printableJson(data: unknown): string {
  return escapeControlCharsInJson(data);
}
