import { strict as assert } from 'node:assert';
import { expectedCounts } from '../peers/vcsim/vcsim';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { VmwareFixture, vcsimSuite } from './vmwareFixture';

describe('vSphere inventory (vcsim)', function () {
  const sized = {
    dc: 2,
    cluster: 2,
    clusterHost: 2,
    host: 1,
    pool: 1,
    vm: 3,
    ds: 2,
    consolidationNeeded: ['DC0_H0_VM1'],
  };
  const fixture = vcsimSuite(this, sized);
  let f: VmwareFixture;
  before(async () => {
    f = fixture();
  });

  it('reads every datacenter, cluster, host, VM and datastore the launcher was told to make', async () => {
    const inv = await readInventory(f.client);
    const want = expectedCounts(sized);
    assert.deepEqual(
      {
        datacenters: inv.datacenters.length,
        clusters: inv.clusters.length,
        hosts: inv.hosts.length,
        vms: inv.vms.length,
        datastores: inv.datastores.length,
      },
      want,
    );
    // Each cluster's root pool "Resources" plus the child pools, and each standalone host's root pool.
    assert.equal(inv.resourcePools.length, sized.dc * (sized.cluster * (1 + sized.pool) + sized.host));
    assert.ok(inv.networks.length >= sized.dc, 'each datacenter has at least its VM Network');
    assert.ok(inv.folders.some((x) => x.childType.includes('VirtualMachine')));
  });

  it('maps hosts, VMs and datastores with their state and placement', async () => {
    const inv = await readInventory(f.client);
    const dcIds = new Set(inv.datacenters.map((d) => d.id));
    for (const h of inv.hosts) {
      assert.equal(h.connectionState, 'connected');
      assert.equal(h.inMaintenanceMode, false);
      assert.ok(dcIds.has(h.datacenterId), `host ${h.name} in a datacenter`);
    }
    assert.equal(inv.hosts.filter((h) => h.clusterId).length, sized.dc * sized.cluster * sized.clusterHost);
    const hostIds = new Set(inv.hosts.map((h) => h.id));
    const dsIds = new Set(inv.datastores.map((d) => d.id));
    for (const v of inv.vms) {
      assert.equal(v.powerState, 'poweredOn', 'vcsim powers its VMs on (Model.Autostart)');
      assert.ok(v.hostId && hostIds.has(v.hostId), `${v.name} runs on a listed host`);
      assert.ok(
        v.datastoreIds.length > 0 && v.datastoreIds.every((d) => dsIds.has(d)),
        `${v.name} lives on listed datastores`,
      );
      assert.ok(dcIds.has(v.datacenterId));
      assert.match(v.uuid, /^[0-9a-f-]{36}$/);
      assert.equal(v.template, false);
    }
    assert.deepEqual(
      inv.vms.filter((v) => v.consolidationNeeded).map((v) => v.name),
      ['DC0_H0_VM1'],
    );
    for (const d of inv.datastores) {
      assert.ok(d.capacityBytes > 0 && d.freeBytes > 0 && d.freeBytes <= d.capacityBytes, `${d.name} capacity/free`);
      assert.equal(d.accessible, true);
    }
  });

  it('pages with a small maxObjects (ContinueRetrievePropertiesEx) and gets the same objects', async () => {
    const pages: number[] = [];
    const paged = await readInventory(f.client, { maxObjects: 5, onPage: (n) => pages.push(n) });
    const whole = await readInventory(f.client);
    assert.ok(pages.length > 3, `several pages (${pages.length})`);
    const ids = (i: typeof whole) =>
      Object.values(i)
        .flatMap((list: { id: string }[]) => list.map((x) => x.id))
        .sort();
    assert.deepEqual(ids(paged), ids(whole));
  });
});

describe('vSphere inventory of a standalone ESX (vcsim -esx)', function () {
  const fixture = vcsimSuite(this, { esx: true, vm: 3 });
  let f: VmwareFixture;
  before(async () => {
    f = fixture();
  });

  it('is one ha-datacenter with one host and no cluster', async () => {
    assert.equal(f.client.content.about.apiType, 'HostAgent');
    const inv = await readInventory(f.client);
    assert.deepEqual(
      inv.datacenters.map((d) => d.name),
      ['ha-datacenter'],
    );
    assert.equal(inv.clusters.length, 0);
    assert.equal(inv.hosts.length, 1);
    assert.equal(inv.vms.length, expectedCounts({ esx: true, vm: 3 }).vms);
  });
});
