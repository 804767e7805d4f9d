// The pieces of the Oracle VM OVA backup that decide from hostile input: which new file in Assemblies is the package,
// the copy's file name, and the values the Manager CLI's unquoted command line may carry.
import { strict as assert } from 'node:assert';
import { VendorError } from '../../../src/core/errors';
import { pickApplianceFile, productFileName } from '../../../src/providers/oraclevm/ovaFiles';
import { cliWord } from '../../../src/providers/oraclevm/ovmApplianceCli';

const file = (rel: string) => ({ rel, type: 'file' as const, bytes: 1 });
const about = { repository: 'backup-repo', appliance: 'vmbackup-m' };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof VendorError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
};

describe('OVA backup: the new package in Assemblies, its copy’s name, CLI values', () => {
  const before = { entries: [file('old/old.ova')], skipped: [] };

  it('the one new .ova of one new folder is the package; files beside it are left alone', () => {
    const after = { entries: [...before.entries, file('a1/x.ova'), file('a1/x.ovf')], skipped: [] };
    assert.equal(pickApplianceFile(before, after, about, {}).rel, 'a1/x.ova');
  });

  it('refused: nothing new, several .ova, files in several folders, no .ova, a new link or unplain name', () => {
    assert.match(
      code(() => pickApplianceFile(before, before, about, {})),
      /^OVA_NOT_FOUND: .*no new file appeared/,
    );
    const two = { entries: [file('a/x.ova'), file('a/y.ova')], skipped: [] };
    assert.match(
      code(() => pickApplianceFile(before, two, about, {})),
      /^OVA_AMBIGUOUS: .*\(2 \.ova, 1 folder\(s\)\): a\/x\.ova, a\/y\.ova/,
    );
    const folders = { entries: [file('a/x.ova'), file('b/x.img')], skipped: [] };
    assert.match(
      code(() => pickApplianceFile(before, folders, about, {})),
      /^OVA_AMBIGUOUS: .*1 \.ova, 2 folder/,
    );
    const none = { entries: [file('a/x.ovf')], skipped: [] };
    assert.match(
      code(() => pickApplianceFile(before, none, about, {})),
      /^OVA_AMBIGUOUS: .*0 \.ova/,
    );
    const link = { entries: [], skipped: ['a/x.ova (a symbolic link: not copied)'] };
    assert.match(
      code(() => pickApplianceFile(before, link, about, {})),
      /^OVA_AMBIGUOUS: .*a\/x\.ova \(a symbolic link/,
    );
  });

  it('the copy keeps a plain package name, else takes the appliance’s', () => {
    assert.equal(productFileName('a/web01-OVA.ova', 'vmbackup-m'), 'web01-OVA.ova');
    assert.equal(productFileName('a/.hidden.ova', 'vmbackup-m'), 'vmbackup-m.ova');
    assert.equal(productFileName('a/we b.ova', 'vmbackup-m'), 'vmbackup-m.ova');
    assert.equal(productFileName('a/x:y.ova', 'vmbackup-m'), 'vmbackup-m.ova');
  });

  it('the CLI line carries letters, digits, _ and - only: anything else is refused before it is sent', () => {
    assert.equal(cliWord('0004fb00000600001234abcd', 'VM id', {}), '0004fb00000600001234abcd');
    assert.equal(cliWord('vmbackup-Ab_9-x', 'appliance name', {}), 'vmbackup-Ab_9-x');
    for (const bad of ['a b', 'x;reboot', '$(id)', 'a=b', 'n\nl', '', 'x'.repeat(65)])
      assert.match(
        code(() => cliWord(bad, 'VM id', {})),
        /^UNSAFE_CLI_VALUE: .*VM id/,
      );
  });
});
