// A VM restore refuses, in the user's words, a backup of another kind or of another platform (before anything is
// contacted): the trial saw "the backup holds no .xva file" for an Oracle VM backup sent to a Xen connection.
import * as assert from 'node:assert/strict';
import { VendorError } from '../../../src/core/errors';
import { Manifest } from '../../../src/core/manifest';
import { CatalogEntry } from '../../../src/core/repository';
import { requireVmBackupFor } from '../../../src/core/restorable';

const entry = (manifest?: Partial<Manifest>): CatalogEntry => ({
  id: 'db01/2026-11-30-063247-vm',
  dir: '/nowhere',
  kind: manifest ? (manifest.kind ?? 'vm') : 'foreign',
  label: 'db01/2026-11-30-063247-vm',
  files: [],
  manifest: manifest ? ({ format: 'vmbackup-manifest/1', kind: 'vm', ...manifest } as Manifest) : undefined,
});

const refused = (code: string, text: RegExp) => (e: unknown) =>
  e instanceof VendorError && e.code === code && text.test(e.message) && /connection "c1"/.test(e.message);

describe('requireVmBackupFor: which backups a VM restore takes', () => {
  it('takes a VM backup of its own platform, and a bare file only where foreign files are restorable (Xen .xva)', () => {
    requireVmBackupFor(entry({ platform: 'xen' }), 'xen', 'c1');
    requireVmBackupFor(entry(), 'xen', 'c1', true);
    assert.throws(
      () => requireVmBackupFor(entry(), 'oraclevm', 'c1'),
      refused('NOT_A_VM_BACKUP', /has no manifest\.json: not a VM backup this tool made on Oracle VM\]/),
    );
  });

  it('names the platform a backup of another platform belongs to, and the connection it was sent to', () => {
    assert.throws(
      () => requireVmBackupFor(entry({ platform: 'oraclevm' }), 'xen', 'c1', true),
      refused(
        'OTHER_PLATFORM_BACKUP',
        /is the backup of a VM on Oracle VM: restore it to an Oracle VM connection \(this one is Citrix Hypervisor \/ XCP-ng\)/,
      ),
    );
  });

  it('says what a backup of another kind is and how it is restored', () => {
    assert.throws(
      () => requireVmBackupFor(entry({ platform: 'oraclevm', kind: 'ovm-manager' }), 'oraclevm', 'c1'),
      refused('NOT_A_VM_BACKUP', /is an Oracle VM Manager backup: restore the Manager with vmbackup manager-restore/),
    );
    assert.throws(
      () => requireVmBackupFor(entry({ platform: 'xen', kind: 'pool-metadata' }), 'xen', 'c1', true),
      refused('NOT_A_VM_BACKUP', /is a pool database backup: restore it with Restore Metadata…/),
    );
  });
});
