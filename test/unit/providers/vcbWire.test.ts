import { strict as assert } from 'node:assert';
import { mounterArgs, parseFoundVms, readSettings, restoreArgs, searchSpec } from '../../../src/providers/vcb/vcbWire';
import { isVcbSnapshotName } from '../../../src/providers/vcb/vcbRecords';
import { insideMount } from '../../../src/providers/vcb/vcbFileLevel';
import { checkPasswordFileMode } from '../../../src/providers/vcb/vcbConfig';
import { catalogLiveValues } from '../../../src/providers/vcb/vcbCatalogValues';
import { lastErrorLine } from '../../../src/providers/vcb/vcbRun';

describe('VCB wire: command lines and parsers', () => {
  it("parses the guide's vcbVmName sample (Found VM: after the echoed command) and names holding colons", () => {
    const out =
      'bash #vcbVmName -s name:vm37.company.com Found VM:\nmoref:192\nname:Virtual Machine 37\nuuid:564d78a1-8c1c-59b4-fa02-be14138797be\nipaddr:10.17.5.31\n' +
      'Found VM:\r\nmoref:vm-5\r\nname:a:b: c\r\nuuid:u\r\nipaddr:\r\nFound VM:\nname:no moref\n';
    assert.deepEqual(parseFoundVms(out), [
      { moref: '192', name: 'Virtual Machine 37', uuid: '564d78a1-8c1c-59b4-fa02-be14138797be', ipaddr: '10.17.5.31' },
      { moref: 'vm-5', name: 'a:b: c', uuid: 'u', ipaddr: '' },
    ]);
    assert.deepEqual(parseFoundVms(''), []);
  });

  it('builds search specifiers; a name with a control character is refused, metacharacters stay one argument', () => {
    const vm = { name: `it's $(x) ; *`, uuid: '564d', moref: 'vm-1' };
    assert.equal(searchSpec(vm, 'uuid'), 'uuid:564d');
    assert.equal(searchSpec(vm, 'name'), `name:it's $(x) ; *`);
    assert.deepEqual(mounterArgs(searchSpec(vm, 'name'), '/d', 'fullvm', 'nbd'), [
      'vcbMounter',
      '-a',
      `name:it's $(x) ; *`,
      '-r',
      '/d',
      '-t',
      'fullvm',
      '-m',
      'nbd',
    ]);
    assert.throws(() => searchSpec({ name: 'a\nb' }, 'name'), /control character/);
    assert.throws(() => searchSpec({ name: 'x' }, 'ipaddr'), /no ipaddr/);
    assert.deepEqual(restoreArgs('/b', 'keep', '/tmp/c'), ['vcbRestore', '-s', '/b', '-a', '/tmp/c', '-b', 'keep']);
  });

  it('reads backuptools.conf settings as the shell would, with the guide defaults (MAX_RETRIES 0, BACKOFF_TIME 10)', () => {
    assert.deepEqual(readSettings('VCHOST="vc.example"\nUSERNAME=admin\n# PASSWORD=x\n'), {
      vchost: 'vc.example',
      username: 'admin',
      hasPassword: false,
      tempdir: undefined,
      maxRetries: 0,
      backoffSeconds: 10,
      snapshotPolicy: 'automatic',
    });
    const s = readSettings("PASSWORD='p w'\nMAX_RETRIES=3\nBACKOFF_TIME=30\nSNAPSHOT_POLICY=manual\n");
    assert.equal(s.hasPassword, true);
    assert.equal(s.maxRetries, 3);
    assert.equal(s.backoffSeconds, 30);
    assert.equal(s.snapshotPolicy, 'manual');
    assert.ok(!JSON.stringify(s).includes('p w'), 'the password is not kept');
  });

  it('refuses a PASSWORD file readable by group or others, accepts 600 and a file without PASSWORD', () => {
    const conf = (mode: number, hasPassword: boolean) => ({
      path: '/etc/vmware/backuptools.conf',
      text: '',
      mode,
      diagnostics: [],
      settings: { ...readSettings(''), hasPassword },
    });
    assert.throws(() => checkPasswordFileMode(conf(0o640, true), 'h'), /mode is 0640: run chmod 600/);
    checkPasswordFileMode(conf(0o600, true), 'h');
    checkPasswordFileMode(conf(0o644, false), 'h');
  });

  it("knows VCB's snapshot names exactly (the guide's _VCB_BACKUP_, the field's _VCB-BACKUP_), nothing looser", () => {
    assert.ok(isVcbSnapshotName('_VCB_BACKUP_'));
    assert.ok(isVcbSnapshotName('_VCB-BACKUP_'));
    for (const n of ['_vcb_backup_', '_VCB_BACKUP_ ', 'my _VCB_BACKUP_', 'VCB_BACKUP'])
      assert.ok(!isVcbSnapshotName(n), n);
  });

  it('keeps mount paths inside the mount point', () => {
    assert.equal(insideMount('/m', ''), '/m');
    assert.equal(insideMount('/m', 'letters/C/x'), '/m/letters/C/x');
    assert.equal(insideMount('/m', '/letters//C/'), '/m/letters/C/');
    assert.throws(() => insideMount('/m', '../etc'), /leaves the mount point/);
    assert.throws(() => insideMount('/m', 'letters\\..\\..'), /leaves the mount point/);
    assert.throws(() => insideMount('/m', 'a\0b'), /NUL/);
  });

  it('gives catalog completion values per key', () => {
    const live = catalogLiveValues({ datastores: ['ds1'], folders: ['/f'], resourcePools: ['/p'], hosts: ['h1'] });
    assert.deepEqual(
      live('vcb-catalog', 'disk.scsi0:0.diskname').map((v) => v.value),
      ['[ds1] '],
    );
    assert.deepEqual(
      live('vcb-catalog', 'resourcepool').map((v) => v.value),
      ['/p'],
    );
    assert.deepEqual(
      live('vcb-catalog', 'host').map((v) => v.value),
      ['h1'],
    );
    assert.deepEqual(live('backuptools-conf', 'host'), []);
  });

  it("takes the tool's last error line, control characters escaped", () => {
    assert.equal(
      lastErrorLine("[2026 'App' 1 info] x\n[2026 'App' 1 error] Error: boom\x1b[2J\nbye\n"),
      "[2026 'App' 1 error] Error: boom\\e[2J",
    );
  });
});
