// The CLI's tables (catalog, vcb-find, vcb-snapall/vcb-resall, manager-backups): columns aligned, two spaces apart,
// the last column never padded, so no line ends in blanks. Every verb's text goes through printableLines too, which
// drops trailing blanks of any line (cli/printable.ts). Every cell is escaped whole (printable): a VM named "a\nb" is
// one cell on one line, never a second row.
import { printable } from './printable';

/** What an empty cell shows, so the columns after it keep their place. */
const EMPTY = '-';

/**
 * `rows` (cells in order; `undefined` or '' for an empty cell) as lines: each column but the last padded to its widest
 * cell (in code points), each cell's control characters (newlines too) escaped, cells two spaces apart; empty cells at the end of a row are left out, others show as "-".
 */
export function tableLines(rows: ReadonlyArray<ReadonlyArray<string | undefined>>): string[] {
  const cells = rows.map((r) => {
    const row = r.map((c) => printable(c ?? ''));
    while (row.length && row[row.length - 1] === '') row.pop();
    return row.map((c) => (c === '' ? EMPTY : c));
  });
  const width = (s: string) => [...s].length;
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return cells.map((row) =>
    row.map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(widths[i] - width(c)))).join('  '),
  );
}
