import * as assert from 'node:assert/strict';
import { tableLines } from '../../../src/cli/table';
import { printableLines } from '../../../src/cli/printable';

describe('CLI tables (catalog, vcb-find, vcb-snapall, manager-backups)', () => {
  it('aligns the columns, two spaces apart, and never pads the last one', () => {
    assert.deepEqual(
      tableLines([
        ['vm-1', 'web', '10.0.0.1'],
        ['vm-22', 'database server', '10.0.0.2'],
      ]),
      ['vm-1   web              10.0.0.1', 'vm-22  database server  10.0.0.2'],
    );
  });

  it('leaves out empty cells at the end of a row and shows the others as "-"', () => {
    assert.deepEqual(
      tableLines([
        ['vm-1', 'web', '', ''],
        ['vm-2', '', 'uuid-2', undefined],
        ['vm-3', 'db', 'uuid-3', '10.0.0.3'],
      ]),
      ['vm-1  web', 'vm-2  -    uuid-2', 'vm-3  db   uuid-3  10.0.0.3'],
    );
    for (const l of tableLines([
      ['a', 'bbbbbb', ''],
      ['cccc', 'd'],
    ]))
      assert.doesNotMatch(l, /\s$/);
  });

  it('counts width in characters, not UTF-16 units', () => {
    assert.deepEqual(
      tableLines([
        ['😀', 'x'],
        ['ab', 'y'],
      ]),
      ['😀   x', 'ab  y'],
    );
  });

  it("every verb's text output loses blanks at line ends, escapes and all", () => {
    assert.equal(printableLines('a  b   \nc \x1b  \n'), 'a  b\nc \\x1b\n');
  });

  it('escapes each cell whole: a VM named with a line feed is one cell of one row', () => {
    const lines = tableLines([
      ['id-1', "evil'; $(touch /tmp/pwned)\nvm", '2026'],
      ['id-22', 'web01', '2026'],
    ]);
    assert.equal(lines.length, 2);
    assert.deepEqual(lines, [
      "id-1   evil'; $(touch /tmp/pwned)\\x0avm  2026",
      'id-22  web01                             2026',
    ]);
  });
});
