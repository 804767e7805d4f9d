// The neutral storage and network steps of a restore: names, fits, NIC plans (by key, by backed-up network, missing).
import { strict as assert } from 'node:assert';
import { NetworkInfo, StorageInfo } from '../../../src/core/model';
import { BackupNic, missingNetworksError, planNics } from '../../../src/core/restoreNetworks';
import { checkSpace, findStorage, storageLine } from '../../../src/core/restoreStorage';

const nets: NetworkInfo[] = [
  { id: 'OpaqueRef:n1', uuid: 'u-lan', name: 'LAN', bridge: 'xenbr0' },
  { id: 'OpaqueRef:n2', uuid: 'u-dmz', name: 'DMZ', bridge: 'xenbr1' },
  { id: 'OpaqueRef:n3', uuid: 'u-dmz2', name: 'DMZ', bridge: 'xenbr2' },
];
const nics: BackupNic[] = [
  { key: '0', mac: 'aa:00', network: 'LAN', bridge: 'xenbr0' },
  { key: '1', mac: 'aa:01', network: 'Old name', bridge: 'xenbr1' },
  { key: '2', mac: 'aa:02', network: 'Gone', bridge: 'xenbr9' },
  { key: '3', mac: 'aa:03' },
];

describe('restore targets (every platform)', () => {
  it('plans each NIC: same name, else same bridge, else missing; unknown without a recorded network', () => {
    const plan = planNics(nics, nets, {}, 'backup b');
    assert.deepEqual(
      plan.map((p) => [p.key, p.to?.name, p.how]),
      [
        ['0', 'LAN', 'same name'],
        ['1', 'DMZ', 'same bridge'],
        ['2', undefined, 'missing'],
        ['3', undefined, 'unknown'],
      ],
    );
    const err = missingNetworksError(plan, nets, 'backup b');
    assert.match(String(err), /backup b: the target has no network "Gone" \(NIC 2\).*--network <nic>=<network>/);
  });

  it('maps by NIC key, or every NIC of a backed-up network (name or bridge / OVM network id); by id, uuid or unique name', () => {
    const byKey = planNics(nics, nets, { '2': 'u-lan' }, 'b');
    assert.equal(byKey[2].to?.id, 'OpaqueRef:n1');
    assert.equal(byKey[2].how, 'mapped');
    const byNet = planNics(nics, nets, { Gone: 'LAN', xenbr1: 'OpaqueRef:n3' }, 'b');
    assert.deepEqual(
      byNet.map((p) => p.to?.id),
      ['OpaqueRef:n1', 'OpaqueRef:n3', 'OpaqueRef:n1', undefined],
    );
    assert.throws(
      () => planNics(nics, nets, { '7': 'LAN' }, 'b'),
      /the backup has no NIC 7 \(its NICs are NIC 0, NIC 1, NIC 2, NIC 3\)/,
    );
    assert.throws(
      () => planNics(nics, nets, { '0': 'DMZ' }, 'b'),
      /2 networks are called "DMZ": use the id \(u-dmz, u-dmz2\)/,
    );
    assert.throws(
      () => planNics(nics, nets, { '0': 'WAN' }, 'b'),
      /no network "WAN"; the networks: "LAN", "DMZ", "DMZ"/,
    );
  });

  it('finds storage by id, uuid or unique name, refuses what does not fit, and prints the host of a local one', () => {
    const list: StorageInfo[] = [
      {
        id: 'r1',
        uuid: 'u1',
        name: 'Local storage',
        type: 'lvm',
        shared: false,
        isDefault: true,
        hostId: 'h1',
        hostName: 'xcp-01',
        freeBytes: 2 ** 30,
      },
      {
        id: 'r2',
        uuid: 'u2',
        name: 'Local storage',
        type: 'lvm',
        shared: false,
        isDefault: false,
        hostId: 'h2',
        hostName: 'xcp-02',
        freeBytes: 2 ** 30,
      },
      { id: 'r3', name: 'NFS', type: 'nfs', shared: true, isDefault: false, freeBytes: 10 * 2 ** 30 },
    ];
    assert.equal(findStorage(list, 'u2', 'w', 'SR').id, 'r2');
    assert.equal(findStorage(list, 'NFS', 'w', 'SR').id, 'r3');
    assert.throws(
      () => findStorage(list, 'Local storage', 'w', 'SR'),
      /2 SRs are called "Local storage": use the uuid/,
    );
    assert.throws(() => findStorage(list, 'nope', 'w', 'datastore'), /w: no datastore "nope"/);
    assert.equal(storageLine(list[0]), '"Local storage" · lvm · local to xcp-01 · 1.0 GiB free · default · u1');
    assert.equal(storageLine(list[2]), '"NFS" · nfs · shared · 10.0 GiB free · r3');
    assert.throws(
      () => checkSpace(list[0], 2 * 2 ** 30, 'w', 'SR'),
      /SR "Local storage" has 1\.0 GiB free, the backup needs 2\.0 GiB/,
    );
    checkSpace(list[2], 2 * 2 ** 30, 'w');
  });
});
