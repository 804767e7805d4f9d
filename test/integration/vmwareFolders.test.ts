// vSphere host folders as tree levels, as the vSphere Client's "Hosts and Clusters" view shows them: a nested folder
// made through the API (CreateFolder, MoveIntoFolder_Task, CreateClusterEx) in vcsim appears between the datacenter
// and its clusters and hosts; a folder that holds nothing does not.
import { strict as assert } from 'node:assert';
import { ContainerInfo, InventoryItem } from '../../src/core/model';
import { returnval } from '../../src/providers/vmware/vimClient';
import { el, morEl } from '../../src/providers/vmware/vimSoap';
import { runTask } from '../../src/providers/vmware/vimTasks';
import { MoRef, asMoRef, decodeValue } from '../../src/providers/vmware/vimValue';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { newProvider, vcsimSuite } from './vmwareFixture';

describe('vSphere host folders in the tree (vcsim)', function () {
  const fixture = vcsimSuite(this, { dc: 1, cluster: 1, clusterHost: 1, host: 2, vm: 1 });

  const shape = (items: InventoryItem[]) =>
    items.map((i) => (i.type === 'vm' ? `vm ${i.vm.name}` : `${i.kind} ${i.name}`));
  const child = (items: InventoryItem[], name: string) =>
    items.find((i): i is ContainerInfo => i.type === 'container' && i.name === name)!;

  it('datacenter → folder → nested folder → cluster; a moved standalone host under its folder; empty folders hidden', async () => {
    const { client, sim } = fixture();
    const inv = await readInventory(client);
    const dc = inv.datacenters[0];
    const hostFolder = inv.folders.find((f) => f.parentId === dc.id && f.childType.includes('ComputeResource'))!;
    const folderRef = (id: string): MoRef => ({ type: 'Folder', value: id });
    const createFolder = async (parent: string, name: string) =>
      asMoRef(
        decodeValue(
          returnval(await client.invoke('CreateFolder', folderRef(parent), el('name', name)), 'CreateFolder'),
        ),
        'CreateFolder',
      ).value;
    const prod = await createFolder(hostFolder.id, 'Prod');
    const rack = await createFolder(prod, 'Rack 1');
    await createFolder(rack, 'Empty');
    await createFolder(hostFolder.id, 'Unused');
    // vcsim 0.24's MoveIntoFolder_Task matches childType exactly (simulator/folder.go): a ComputeResource moves, a
    // ClusterComputeResource does not, so the nested cluster is created in place (Folder.CreateClusterEx).
    await client.invoke(
      'CreateClusterEx',
      folderRef(rack),
      el('name', 'Nested Cluster') + '<spec xsi:type="ClusterConfigSpecEx"></spec>',
    );
    const h1 = inv.hosts.find((h) => h.name === 'DC0_H1')!;
    await runTask(
      client,
      'MoveIntoFolder_Task',
      folderRef(prod),
      morEl('list', { type: 'ComputeResource', value: h1.computeResourceId }),
    );

    const p = newProvider(sim);
    await p.connect();
    try {
      const [dcItem] = await p.listChildren();
      const top = await p.listChildren(dcItem as ContainerInfo);
      assert.deepEqual(shape(top), ['folder Prod', 'cluster DC0_C0', 'host DC0_H0']);
      const prodItem = child(top, 'Prod');
      assert.equal(prodItem.icon, 'folder');
      assert.ok(!prodItem.isHost);
      const inProd = await p.listChildren(prodItem);
      assert.deepEqual(shape(inProd), ['folder Rack 1', 'host DC0_H1']);
      assert.deepEqual(shape(await p.listChildren(child(inProd, 'Rack 1'))), ['cluster Nested Cluster']);
      assert.deepEqual(shape(await p.listChildren(child(inProd, 'DC0_H1'))), ['vm DC0_H1_VM0']);
      await assert.rejects(p.listChildren({ kind: 'folder', id: 'group-h-nope' }), /ManagedObjectNotFound/);
    } finally {
      await p.disconnect();
    }
  });
});
