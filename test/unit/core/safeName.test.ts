import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { safeName, within } from '../../../src/core/safeName';

describe('safeName', () => {
  const hostile = [
    '../../etc/passwd',
    '/',
    'a/b\\c',
    `"quoted" 'vm'`,
    '$(rm -rf ~)',
    '`id`',
    'name;reboot',
    '..',
    '.hidden',
    '\u0000nul\nline',
    'x'.repeat(300),
  ];
  for (const name of hostile) {
    it(`makes one safe segment of ${JSON.stringify(name.slice(0, 30))}`, () => {
      const s = safeName(name);
      assert.ok(s.length > 0 && s.length <= 80);
      assert.ok(!/[/\\$`"';()\u0000\n]/.test(s), s);
      assert.ok(!s.startsWith('.'), s);
      assert.equal(path.basename(s), s);
    });
  }
  it('keeps ordinary names readable', () => {
    assert.equal(safeName('web-01'), 'web-01');
    assert.equal(safeName('DB server 2'), 'DB server 2');
  });
  it('within() refuses paths that escape the parent', () => {
    assert.throws(() => within('/repo', '../x'), /escapes/);
    assert.equal(within('/repo', 'a/b'), path.resolve('/repo/a/b'));
  });
});

describe('safeName cuts whole characters', () => {
  const codePoints = (s: string) => [...s].length;
  it('never splits a surrogate pair, a combining sequence or an emoji sequence, and stays within 80 code points and 200 bytes', () => {
    for (const unit of ['😀', 'e\u0301', '👩‍👩‍👧', '🇯🇵', 'Å', '漢']) {
      for (const prefix of ['', 'a', 'ab', 'abc']) {
        const s = safeName(prefix + unit.repeat(100));
        assert.ok(
          codePoints(s) <= 80 && Buffer.byteLength(s) <= 200,
          `${prefix}${unit}: ${codePoints(s)} code points, ${Buffer.byteLength(s)} bytes`,
        );
        assert.ok(
          !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s),
          'no lone surrogate',
        );
        const rest = s.slice(prefix.length);
        assert.equal(
          rest,
          unit.normalize('NFKC').repeat(rest.length / unit.normalize('NFKC').length),
          `${JSON.stringify(unit)} cut whole`,
        );
      }
    }
  });
  it('drops C1 and bidirectional controls (a name must not reorder how its path is shown)', () => {
    assert.equal(safeName('vm\u202Egpj.exe'), 'vmgpj.exe');
    assert.equal(safeName('a\u2066b\u2069c\u009bd\u200fe'), 'abcde');
  });
});
