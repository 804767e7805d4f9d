// The backup methods one picker offers, whatever the platform: declared methods, else one per declared form.
import { strict as assert } from 'node:assert';
import { offeredBackupMethods } from '../../../src/core/backupMethods';
import { Capabilities } from '../../../src/core/model';
import { ORACLEVM_CAPABILITIES } from '../../../src/providers/oraclevm/ovmCapabilities';
import { vmwareCapabilities } from '../../../src/providers/vmware/vmwareCapabilities';

const base: Capabilities = {
  consolidate: false,
  fullBackup: true,
  incrementalBackup: false,
  metadataBackups: [],
  restoreToAlternateLocation: false,
  resetPowerState: false,
};

describe('offeredBackupMethods', () => {
  it('Oracle VM: the §12.2 methods it runs, each with its trade-off; cold clone and copy need the VM stopped, hot clone a confirmation; no OVA export', () => {
    const { noun, methods } = offeredBackupMethods(ORACLEVM_CAPABILITIES);
    assert.equal(noun, 'method');
    assert.deepEqual(
      methods.map((m) => [m.id, m.options.method, !!m.recommended, !!m.needsStopped, !!m.confirm]),
      [
        ['cold-clone', 'cold-clone', true, true, false],
        ['copy-stopped', 'copy-stopped', true, true, false],
        ['hot-clone', 'hot-clone', false, false, true],
      ],
    );
    const hot = methods.find((m) => m.id === 'hot-clone')!;
    assert.match(hot.tradeOff, /^\+ The virtual machine keeps running\. {2}− The virtual disks are inconsistent/);
    assert.match(hot.confirm!, /disk repair utility.*Oracle Database.*OCFS2/);
  });

  it('vSphere: its forms (backupFormats) as the methods Image and OVF, setting BackupOptions.format', () => {
    const { noun, methods } = offeredBackupMethods(vmwareCapabilities);
    assert.equal(noun, 'form');
    assert.deepEqual(
      methods.map((m) => [m.label, m.options.format]),
      [
        ['Image', 'image'],
        ['OVF', 'ovf'],
      ],
    );
  });

  it('a platform with one way (no methods, no forms): nothing to ask', () => {
    assert.deepEqual(offeredBackupMethods(base).methods, []);
  });
});
