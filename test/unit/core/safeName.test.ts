import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { safeName, within } from '../../../src/core/safeName';

describe('safeName', () => {
  const hostile = ['../../etc/passwd', '/', 'a/b\\c', `"quoted" 'vm'`, '$(rm -rf ~)', '`id`', 'name;reboot', '..', '.hidden', '\u0000nul\nline', 'x'.repeat(300)];
  for (const name of hostile) {
    it(`makes one safe segment of ${JSON.stringify(name.slice(0, 30))}`, () => {
      const s = safeName(name);
      assert.ok(s.length > 0 && s.length <= 80);
      assert.ok(!/[\/\\$`"';()\u0000\n]/.test(s), s);
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
