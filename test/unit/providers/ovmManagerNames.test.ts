// The Manager host's names and outputs as the guide prints them (§12.1.2.1, §12.1.2.3, §12.1.4).
import * as assert from 'node:assert/strict';
import { parseDbBackupName, requireDbBackupName } from '../../../src/providers/oraclevm/manager/dbBackupName';
import { parseBackupDatabaseOutput } from '../../../src/providers/oraclevm/manager/manualBackup';
import { ManagerLayout } from '../../../src/providers/oraclevm/manager/managerHost';
import { isPlainRelativePath } from '../../../src/providers/oraclevm/manager/remoteTree';
import { formatAge } from '../../../src/providers/oraclevm/manager/dbBackups';

describe('Oracle VM Manager host names', () => {
  it('reads AutoFullBackup-MMDDYYYY_hhmmss and ManualBackup-<stamp>_<ID> as the guide writes them', () => {
    assert.deepEqual(parseDbBackupName('AutoFullBackup-11292026_031500'), {
      name: 'AutoFullBackup-11292026_031500',
      kind: 'auto',
      stamp: { year: 2026, month: 11, day: 29, hour: 3, minute: 15, second: 0 },
    });
    const m = parseDbBackupName('ManualBackup-11292026_170833_1795972113743002');
    assert.equal(m?.kind, 'manual');
    assert.equal(m?.jobId, '1795972113743002');
    assert.equal(parseDbBackupName('ManualBackup-time_stamp_ID')?.kind, 'manual');
  });

  it('refuses every other name: traversal, shell metacharacters, control characters, options, bad dates', () => {
    for (const bad of [
      'AutoFullBackup-13012026_000000',
      'AutoFullBackup-11292026_031500 ',
      'AutoFullBackup-11292026_031500/..',
      '../ManualBackup-1',
      'ManualBackup-',
      'ManualBackup-$(id)',
      "ManualBackup-a'b",
      'ManualBackup-a\nb',
      'ManualBackup-a;b',
      'ManualBackup-a b',
      '-rf',
      'mysql',
      '',
    ]) {
      assert.equal(parseDbBackupName(bad), undefined, JSON.stringify(bad));
      assert.throws(() => requireDbBackupName(bad), /not a Manager database backup name/);
    }
  });

  it('reads BackupDatabase -w output as §12.1.2.3 shows it (Uri on its own line)', () => {
    const sample = [
      'Enter your OVM Manager username: admin',
      'Enter your OVM Manager password: ',
      '',
      'INFO:  Backup job starting with destination:',
      '        /u01/app/oracle/mysql/dbbackup/ManualBackup-11292026_101010',
      '',
      "        Job Id   = 'Start Backup to: ManualBackup(1764410000000) ",
      "        Uri: https://localhost:7002/ovm/core/wsapi/rest/Job/1764410000000'",
      "        Job Name = 'Start Backup to: ManualBackup'",
      '',
      'INFO:  Backup job finished',
    ].join('\n');
    assert.deepEqual(parseBackupDatabaseOutput(sample), {
      destination: '/u01/app/oracle/mysql/dbbackup/ManualBackup-11292026_101010',
      jobId: '1764410000000',
    });
  });

  it('lays out the guide paths and quotes the su line of the restore', () => {
    const l = new ManagerLayout({ restoreUser: 'oracle' });
    assert.equal(l.configFile, '/u01/app/oracle/ovm-manager-3/.config');
    assert.equal(l.tool('BackupDatabase'), '/u01/app/oracle/ovm-manager-3/ovm_tools/bin/BackupDatabase');
    assert.equal(l.defaultDbBackup, '/u01/app/oracle/mysql/dbbackup');
    assert.deepEqual(l.serviceCommand('ovmm', 'stop'), ['/sbin/service', 'ovmm', 'stop']);
    assert.deepEqual(l.restoreCommand('ManualBackup-1'), [
      'su',
      '-',
      'oracle',
      '-c',
      "'bash' '/u01/app/oracle/ovm-manager-3/ovm_tools/bin/RestoreDatabase.sh' 'ManualBackup-1'",
    ]);
    assert.deepEqual(new ManagerLayout({}).restoreCommand('ManualBackup-1', true).slice(2), [
      'ManualBackup-1',
      '--skipversionchecks',
    ]);
  });

  it('copies only plain relative paths from the host', () => {
    assert.ok(isPlainRelativePath('meta/backup_variables.txt'));
    for (const bad of ['', '/etc/passwd', '../x', 'a/../b', 'a/./b', 'a//b', 'a\\b', 'a\nb', 'x/\u0085'])
      assert.ok(!isPlainRelativePath(bad), JSON.stringify(bad));
  });

  it('formats ages', () => {
    assert.equal(formatAge(42), '42 s');
    assert.equal(formatAge(3 * 86400 + 7200), '3 d 2 h');
  });
});
