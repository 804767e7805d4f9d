// Each provider maps the one RestoreOptions itself: vSphere (placementRequest, placementChoices), Xen (xenStorage,
// xenNetworks), Oracle VM (vm.cfg vifs → NICs with their network's name).
import { strict as assert } from 'node:assert';
import { VendorError } from '../../../src/core/errors';
import { placementChoices, placementRequest } from '../../../src/providers/vmware/vmwarePlacement';
import { VsphereInventory } from '../../../src/providers/vmware/vmwareRecords';
import { xenNetworks, xenStorage } from '../../../src/providers/xen/restoreTargets';
import { vmCfgNics } from '../../../src/providers/oraclevm/ovmNetworks';
import { vmxNics } from '../../../src/providers/vmware/vmwareVmx';
import { XenHost, XenPool, XenSr } from '../../../src/providers/xen/xenRecords';

describe('restore option mapping per provider', () => {
  it('vSphere: container host or cluster, resource pool, folder, networks; a server pool is refused', () => {
    assert.deepEqual(
      placementRequest({
        storageId: 'ds',
        placement: { container: { kind: 'cluster', id: 'c1' }, resourcePoolId: 'rp', folderId: 'f' },
        networkMap: { ethernet0: 'n' },
      }),
      {
        storageId: 'ds',
        hostId: undefined,
        clusterId: 'c1',
        resourcePoolId: 'rp',
        folderId: 'f',
        networkMap: { ethernet0: 'n' },
      },
    );
    assert.equal(placementRequest({ placement: { container: { kind: 'host', id: 'h' } } }).hostId, 'h');
    assert.throws(
      () => placementRequest({ placement: { container: { kind: 'serverPool', id: 'p' } } }),
      (e: unknown) => e instanceof VendorError && e.code === 'INVALID_PLACEMENT',
    );
  });

  it('vSphere: hosts, clusters, resource pools (with the hosts or cluster they belong to) and VM folders with paths', () => {
    const inv: VsphereInventory = {
      datacenters: [{ id: 'dc', name: 'DC0' }],
      clusters: [{ id: 'c1', name: 'C0', datacenterId: 'dc', hostIds: ['h1'] }],
      hosts: [
        {
          id: 'h1',
          name: 'H1',
          datacenterId: 'dc',
          computeResourceId: 'c1',
          clusterId: 'c1',
          connectionState: 'connected',
          inMaintenanceMode: false,
        },
        {
          id: 'h2',
          name: 'H2',
          datacenterId: 'dc',
          computeResourceId: 'cr2',
          connectionState: 'connected',
          inMaintenanceMode: true,
        },
      ],
      resourcePools: [
        { id: 'rp1', name: 'Resources', datacenterId: 'dc', parentId: 'c1', ownerId: 'c1' },
        { id: 'rp2', name: 'Resources', datacenterId: 'dc', parentId: 'cr2', ownerId: 'cr2' },
      ],
      folders: [
        { id: 'vmf', name: 'vm', datacenterId: 'dc', parentId: 'dc', childType: ['Folder', 'VirtualMachine'] },
        { id: 'apps', name: 'Apps', datacenterId: 'dc', parentId: 'vmf', childType: ['Folder', 'VirtualMachine'] },
        { id: 'hf', name: 'host', datacenterId: 'dc', parentId: 'dc', childType: ['Folder', 'ComputeResource'] },
      ],
      vms: [],
      datastores: [],
      networks: [],
    };
    const got = placementChoices(inv).map((c) => [c.kind, c.id, c.path, c.detail, c.within]);
    assert.deepEqual(got, [
      ['host', 'h1', 'DC0/C0', undefined, undefined],
      ['host', 'h2', 'DC0', 'in maintenance', undefined],
      ['cluster', 'c1', 'DC0', '1 host(s)', undefined],
      ['resourcePool', 'rp1', 'DC0', undefined, ['c1', 'h1']],
      ['resourcePool', 'rp2', 'DC0', undefined, ['h2']],
      ['folder', 'vmf', 'DC0', undefined, undefined],
      ['folder', 'apps', 'DC0/vm', undefined, undefined],
    ]);
  });

  it('vSphere: a .vmx records its NICs (device, MAC, network) for the manifest', () => {
    const vmx = [
      'ethernet1.present = "TRUE"',
      'ethernet1.networkName = "Backup Net"',
      'ethernet1.address = "00:50:56:00:00:02"',
      'ethernet0.present = "TRUE"',
      'ethernet0.networkName = "VM Network"',
      'ethernet0.generatedAddress = "00:0c:29:00:00:01"',
      'ethernet2.present = "FALSE"',
      'ethernet2.networkName = "Off"',
    ].join('\n');
    assert.deepEqual(vmxNics(vmx), [
      { device: 'ethernet0', mac: '00:0c:29:00:00:01', network: 'VM Network' },
      { device: 'ethernet1', mac: '00:50:56:00:00:02', network: 'Backup Net' },
    ]);
  });

  it('Xen: a local SR names its host, ISO SRs are left out, the default first; networks with bridge and isolation', () => {
    const sr = (name: string, shared: boolean, type = 'lvm') =>
      ({
        uuid: `u-${name}`,
        name_label: name,
        type,
        shared,
        physical_size: '100',
        physical_utilisation: '40',
        content_type: type === 'iso' ? 'iso' : 'user',
      }) as unknown as XenSr;
    const storage = xenStorage({
      srs: { s1: sr('Local', false), s2: sr('NFS', true, 'nfs'), s3: sr('ISOs', true, 'iso') },
      pbds: { p1: { SR: 's1', host: 'h1' }, p2: { SR: 's2', host: 'h1' } },
      hosts: { h1: { name_label: 'xcp-01' } as unknown as XenHost },
      pools: { pool: { default_SR: 's2' } as unknown as XenPool },
    });
    assert.deepEqual(
      storage.map((s) => [s.name, s.isDefault, s.hostName, s.hostId, s.freeBytes, s.uuid]),
      [
        ['NFS', true, undefined, undefined, 60, 'u-NFS'],
        ['Local', false, 'xcp-01', 'h1', 60, 'u-Local'],
      ],
    );
    const nets = xenNetworks({
      n1: { uuid: 'u1', name_label: 'LAN', bridge: 'xenbr0', PIFs: ['pif'] },
      n2: { uuid: 'u2', name_label: 'Internal', bridge: 'xapi1', PIFs: [] },
    });
    assert.deepEqual(
      nets.map((n) => [n.name, n.bridge, n.isolated, n.uuid]),
      [
        ['Internal', 'xapi1', true, 'u2'],
        ['LAN', 'xenbr0', false, 'u1'],
      ],
    );
  });

  it("Oracle VM: each vif of a vm.cfg is a NIC keyed by its index, with its network's name from the Manager", () => {
    const cfg = "vif = ['mac=00:21:f6:00:00:01,bridge=0a00fe00', 'mac=00:21:f6:00:00:02,bridge=0bad0000']";
    assert.deepEqual(vmCfgNics(cfg, [{ id: '0a00fe00', name: 'VM Network', bridge: '0a00fe00' }]), [
      { key: '0', mac: '00:21:f6:00:00:01', bridge: '0a00fe00', network: 'VM Network' },
      { key: '1', mac: '00:21:f6:00:00:02', bridge: '0bad0000', network: undefined },
    ]);
  });
});
