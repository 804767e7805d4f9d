// The restore verb's flags as one RestoreOptions for every platform, and what each platform refuses (its capabilities).
import { strict as assert } from 'node:assert';
import { parseArgs } from '../../../src/cli/args';
import { restoreOptionsFromFlags, unsupportedRestoreFlags } from '../../../src/cli/restoreFlags';
import { xenCapabilities } from '../../../src/providers/xen/xenCapabilities';
import { vmwareCapabilities } from '../../../src/providers/vmware/vmwareCapabilities';
import { ORACLEVM_CAPABILITIES } from '../../../src/providers/oraclevm/ovmCapabilities';

const opts = (line: string[]) => restoreOptionsFromFlags(parseArgs(['restore', 'B', ...line]));

describe('restore flags → RestoreOptions', () => {
  it('maps storage, container, resource pool, folder, networks, name, mode and power-on the same for every platform', () => {
    assert.deepEqual(
      opts([
        '--datastore',
        'DS1',
        '--host',
        'esx-2',
        '--resource-pool',
        'RP1',
        '--folder',
        'Restored',
        '--network',
        'ethernet0=VM Network',
        '--network',
        'ethernet1=Backup Net',
        '--name',
        'x',
        '--power-on',
      ]),
      {
        storageId: 'DS1',
        placement: { container: { kind: 'host', id: 'esx-2' }, resourcePoolId: 'RP1', folderId: 'Restored' },
        networkMap: { ethernet0: 'VM Network', ethernet1: 'Backup Net' },
        name: 'x',
        mode: 'new',
        powerOn: true,
        format: undefined,
      },
    );
  });

  it('keeps the older flags as aliases: --sr, --start, --pool, --networks OLD=NEW, --preserve-macs', () => {
    const xen = opts(['--sr', 'NFS', '--start', '--network', '0=LAN', '--preserve-macs']);
    assert.equal(xen.storageId, 'NFS');
    assert.equal(xen.powerOn, true);
    assert.equal(xen.mode, 'keepMacs');
    assert.deepEqual(xen.networkMap, { '0': 'LAN' });
    const ovm = opts(['--storage', 'repo1', '--pool', 'pool1', '--networks', '0a00fe00=0a00ff00,1=lan']);
    assert.deepEqual(ovm.placement, { container: { kind: 'serverPool', id: 'pool1' } });
    assert.deepEqual(ovm.networkMap, { '0a00fe00': '0a00ff00', '1': 'lan' });
    assert.deepEqual(opts(['--server-pool', 'p2']).placement, { container: { kind: 'serverPool', id: 'p2' } });
    assert.equal(opts(['--replace-original']).mode, 'replace');
    assert.equal(opts([]).placement, undefined);
  });

  it('refuses two containers, two storages, both modes, and a --network without "="', () => {
    assert.throws(() => opts(['--host', 'a', '--cluster', 'b']), /one of --host, --cluster, --server-pool/);
    assert.throws(() => opts(['--sr', 'a', '--datastore', 'b']), /give the storage once \(--sr, --datastore\)/);
    assert.throws(() => opts(['--preserve-macs', '--replace-original']), /not both/);
    assert.throws(() => opts(['--network', 'eth0']), /--network eth0: expected <nic>=<network/);
  });

  it('refuses, per platform, the flags its capabilities do not declare, naming each (the platform by its name, the vendor’s words)', () => {
    const vsphere = opts(['--cluster', 'C0', '--resource-pool', 'RP', '--folder', 'F', '--power-on']);
    assert.deepEqual(unsupportedRestoreFlags(vsphere, vmwareCapabilities, 'vmware'), []);
    assert.deepEqual(unsupportedRestoreFlags(vsphere, xenCapabilities, 'xen'), [
      '--cluster: a restore on Citrix Hypervisor / XCP-ng has no host, cluster or server pool to choose (another pool: --to another connection)',
      '--resource-pool: a restore on Citrix Hypervisor / XCP-ng has no resource pool',
      '--folder: a restore on Citrix Hypervisor / XCP-ng has no VM folder',
    ]);
    assert.deepEqual(
      unsupportedRestoreFlags(opts(['--server-pool', 'p', '--storage', 'r']), ORACLEVM_CAPABILITIES, 'oraclevm'),
      [],
    );
    assert.deepEqual(unsupportedRestoreFlags(opts(['--host', 'h']), ORACLEVM_CAPABILITIES, 'oraclevm'), [
      '--host: a restore on Oracle VM goes to a server pool',
      '--storage: a restore on Oracle VM needs the repository to restore into',
    ]);
    assert.deepEqual(unsupportedRestoreFlags(opts(['--replace-original']), vmwareCapabilities, 'vmware'), [
      '--replace-original: not offered on vSphere (modes: new, keepMacs)',
    ]);
    assert.deepEqual(unsupportedRestoreFlags(opts(['--replace-original', '--start']), xenCapabilities, 'xen'), []);
  });
});
