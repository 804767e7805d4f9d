import { strict as assert } from 'node:assert';
import { findBackupEntry, typedBackupId } from '../../../src/cli/backupId';
import { CatalogEntry } from '../../../src/core/repository';

/** What a POSIX shell, cmd.exe or PowerShell would split or interpret in an unquoted word. */
const SHELL_META = /[\s"'`$&|;<>()[\]{}*?!#~^\\]/;

describe('backup ids the CLI prints', () => {
  it('has no space or shell metacharacter, whatever the folder is named', () => {
    for (const id of [
      'pool lab-pool/20260101-000000-pool-metadata',
      'web 01/20260101-000000-full',
      `it's $(rm -rf ~)/a;b|c&d`,
      'tab\there/new\nline/bidi\u202eexe',
      '100%/x',
    ])
      assert.doesNotMatch(typedBackupId(id), SHELL_META, id);
    assert.equal(
      typedBackupId('pool lab-pool/20260101-000000-pool-metadata'),
      'pool%20lab-pool/20260101-000000-pool-metadata',
    );
  });

  it('leaves plain ids and letters of any script as they are', () => {
    assert.equal(typedBackupId('web-01/20260101-000000-full'), 'web-01/20260101-000000-full');
    assert.equal(typedBackupId('ウェブ/20260101-000000-full'), 'ウェブ/20260101-000000-full');
  });

  it('finds an entry by the printed id, by the older folder form, and by its folder path', () => {
    const e = {
      id: 'pool lab-pool/20260101-000000-pool-metadata',
      dir: '/r/pool lab-pool/20260101-000000-pool-metadata',
    };
    const list = [{ id: 'other', dir: '/r/other' }, e] as CatalogEntry[];
    assert.equal(findBackupEntry(list, 'pool%20lab-pool/20260101-000000-pool-metadata'), e);
    assert.equal(findBackupEntry(list, 'pool lab-pool/20260101-000000-pool-metadata'), e);
    assert.equal(findBackupEntry(list, '/r/pool lab-pool/20260101-000000-pool-metadata'), e);
    assert.equal(findBackupEntry(list, 'pool%20lab-pool'), undefined);
  });
});
