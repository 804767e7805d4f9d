// The one helper that escapes control characters, for the VS Code layer (named style), the CLI (hex style) and JSON.
import { strict as assert } from 'node:assert';
import {
  escapeControlChars,
  escapeControlCharsInJson,
  quoteForMessage,
  remoteOutputText,
} from '../../../src/core/controlChars';
import { printable, printableJson, printableLines, shown } from '../../../src/cli/printable';
import { RemoteCommandError } from '../../../src/transport/ssh';
import { describeContext } from '../../../src/core/errors';

const HOSTILE = 'web\u001b]0;owned\u0007\u001b[2J\u009b31m\u202egpj.exe\u2066x\u007f';

describe('escapeControlChars', () => {
  it('escapes C0, C1, DEL and the bidi controls (U+202A–202E, U+2066–2069, ALM, LRM, RLM) so none is left raw', () => {
    const all = [
      ...Array(0x20).keys(),
      0x7f,
      ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
      0x2028,
      0x2029,
      0x202a,
      0x202b,
      0x202c,
      0x202d,
      0x202e,
      0x2066,
      0x2067,
      0x2068,
      0x2069,
      0x061c,
      0x200e,
      0x200f,
    ]
      .map((c) => String.fromCharCode(c))
      .join('');
    for (const style of ['named', 'hex'] as const) {
      const out = escapeControlChars(`a${all}b`, { style });
      assert.match(out, /^a[\x20-\x7e]+b$/, `${style}: only printable ASCII is left: ${JSON.stringify(out)}`);
    }
  });

  it('named style (the default, VS Code and messages): \\e, \\t, \\n, \\r by name, the rest as \\xHH / \\uHHHH', () => {
    assert.equal(escapeControlChars(HOSTILE), 'web\\e]0;owned\\x07\\e[2J\\x9b31m\\u202egpj.exe\\u2066x\\x7f');
    assert.equal(escapeControlChars('a\tb\r\nc'), 'a\\tb\\r\\nc');
    assert.equal(
      escapeControlChars('a\nb\u202e', true),
      'a\nb\\u202e',
      'keepNewlines (boolean form) keeps our line breaks',
    );
  });

  it('hex style is what the CLI prints (printable), and printableLines keeps line breaks only', () => {
    assert.equal(printable(HOSTILE), 'web\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202egpj.exe\\u2066x\\x7f');
    assert.equal(printable(HOSTILE), escapeControlChars(HOSTILE, { style: 'hex' }));
    assert.equal(printableLines(`a\u001b\nb\t`), 'a\\x1b\nb\\x09');
  });

  it('JSON keeps its own escapes for C0 and escapes what JSON.stringify leaves raw', () => {
    const out = escapeControlCharsInJson({ name: HOSTILE });
    assert.equal(out, printableJson({ name: HOSTILE }));
    assert.deepEqual(JSON.parse(out), { name: HOSTILE }, 'the same data');
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('quoteForMessage escapes, shows look-alike spaces, and cuts long text', () => {
    assert.equal(quoteForMessage('a\u00a0b\u202e'), 'a\\u00a0b\\u202e');
    assert.equal(quoteForMessage('x'.repeat(100), 10), 'x'.repeat(10) + '…');
  });
});

describe('our line breaks and foreign ones', () => {
  it('shown: the template’s line breaks stay, each value is escaped whole (its line feed too)', () => {
    const name = 'evil\nvm\x1b[31m';
    assert.equal(shown`backed up ${name} to ${'/b/x'}:\n  ok`, 'backed up evil\\x0avm\\x1b[31m to /b/x:\n  ok');
  });
  it('remoteOutputText: one line inline, several escaped one by one and indented under the message', () => {
    assert.equal(remoteOutputText(''), '');
    assert.equal(remoteOutputText('boom\n'), ': boom');
    assert.equal(
      remoteOutputText('password: \nERROR: Invalid username or password\x1b[2J\r\n'),
      ':\n  password:\n  ERROR: Invalid username or password\\x1b[2J',
    );
  });
  it('a remote command’s stderr in RemoteCommandError: its lines indented, none can pass for a line of ours', () => {
    const e = new RemoteCommandError('ovs1', 'cp', 1, undefined, 'cp: cannot stat\nvmbackup: done\n');
    assert.equal(e.message, 'ovs1: cp exited with 1:\n  cp: cannot stat\n  vmbackup: done');
  });
  it('the place of an error names a VM with a line feed on one line', () => {
    assert.equal(describeContext({ connection: 'lab', vm: 'db\nvm' }), 'connection "lab", VM "db\\x0avm"');
  });
});
