import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { saveConnections } from '../../src/core/connections';
import { VendorError } from '../../src/core/errors';
import { CatalogEntry } from '../../src/core/repository';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { el } from '../../src/providers/vmware/vimSoap';
import { asMoRef } from '../../src/providers/vmware/vimValue';
import { VsphereInventory } from '../../src/providers/vmware/vmwareRecords';
import { runCli } from './cliRun';
import { addPortGroup, writeVmxWithNics } from '../peers/vcsim/vcsimRestoreTargets';
import { VCSIM_PASSWORD, VmwareFixture, loggingCtx, vcsimConnection, vcsimSuite } from './vmwareFixture';
import { tempDir } from '../tempDir';

const jobCtx = () => loggingCtx();

describe('vSphere restore placement: datastore, host or cluster, resource pool, folder, networks per NIC (vcsim)', function () {
  const fixture = vcsimSuite(this, { ds: 2, vm: 2, cluster: 1, clusterHost: 2, host: 1, pool: 1 });
  let f: VmwareFixture;
  let p: VmwareProvider;
  let inv: VsphereInventory;
  let repo: string;
  let ws: string;
  let backup: CatalogEntry;
  let folderId: string;
  const dsDir = (name: string) => inv.datastores.find((d) => d.name === name)!.url!;
  const uploadedVmx = (ds: string, dir: string) => fs.readFileSync(path.join(dsDir(ds), dir, 'DC0_H0_VM0.vmx'), 'utf8');

  before(async () => {
    f = fixture();
    inv = await readInventory(f.client);
    ws = tempDir('vmbackup-vc-place-');
    repo = path.join(ws, 'backups');
    p = new VmwareProvider(vcsimConnection(f.sim), { password: VCSIM_PASSWORD });
    await p.connect();
    // A second standard port group, "Backup Net" (HostNetworkSystem.AddPortGroup makes its Network in the datacenter).
    await addPortGroup(f.client, inv.hosts.find((h) => h.name === 'DC0_H0')!.id, 'Backup Net');
    // A VM folder to restore into.
    const root = inv.folders.find(
      (x) => x.parentId === inv.datacenters[0].id && x.childType.includes('VirtualMachine'),
    )!;
    const made = await f.client.invoke('CreateFolder', { type: 'Folder', value: root.id }, el('name', 'Restored'));
    folderId = asMoRef({ type: 'Folder', value: made.children[0].text }, 'CreateFolder.returnval').value;
    // The backed-up VM has two NICs on "VM Network".
    writeVmxWithNics(
      dsDir('LocalDS_0'),
      'DC0_H0_VM0',
      ['VM Network', 'VM Network'],
      ['scsi0:0.fileName = "disk1.vmdk"'],
    );
    backup = await p.backupVm(inv.vms.find((v) => v.name === 'DC0_H0_VM0')!.id, { repository: repo }, jobCtx());
    inv = await readInventory(f.client);
    saveConnections(ws, [vcsimConnection(f.sim, 'backups')]);
  });
  after(async () => {
    await p?.disconnect();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('to another datastore, host, resource pool and folder, ethernet1 remapped: read back from the registered VM and its .vmx', async () => {
    const host = inv.hosts.find((h) => h.name === 'DC0_C0_H1')!;
    const pool = inv.resourcePools.find((r) => r.name === 'DC0_C0_RP1')!;
    const vm = await p.restoreVm(
      backup,
      {
        name: 'placed',
        storageId: 'LocalDS_1',
        placement: { container: { kind: 'host', id: 'DC0_C0_H1' }, resourcePoolId: 'DC0_C0_RP1', folderId: 'Restored' },
        networkMap: { ethernet1: 'Backup Net' },
      },
      jobCtx(),
    );
    const now = (await readInventory(f.client)).vms.find((v) => v.id === vm.id)!;
    assert.deepEqual(
      [now.datastoreIds, now.hostId, now.resourcePoolId, now.folderId],
      [[inv.datastores.find((d) => d.name === 'LocalDS_1')!.id], host.id, pool.id, folderId],
    );
    // vcsim 0.24.2 does not read the .vmx on RegisterVM_Task: the NICs' networks are read back from the uploaded .vmx.
    const vmx = uploadedVmx('LocalDS_1', 'placed');
    assert.match(vmx, /^ethernet0\.networkName = "VM Network"$/m, 'matched by name');
    assert.match(vmx, /^ethernet1\.networkName = "Backup Net"$/m, 'remapped');
    assert.match(vmx, /^uuid\.action = "create"$/m, 'next to its original: a copy');
  });

  it('the manifest records each NIC with its network; listPlacement offers hosts, clusters, resource pools and VM folders', async () => {
    assert.deepEqual(
      backup.manifest?.source.vm?.macs?.map((m) => [m.device, m.network]),
      [
        ['ethernet0', 'VM Network'],
        ['ethernet1', 'VM Network'],
      ],
    );
    const choices = await p.listPlacement();
    const of = (kind: string) => choices.filter((c) => c.kind === kind).map((c) => c.name);
    assert.ok(of('host').includes('DC0_C0_H1') && of('host').includes('DC0_H0'), of('host').join());
    assert.deepEqual(of('cluster'), [inv.clusters[0].name]);
    assert.ok(of('folder').includes('Restored'), of('folder').join());
    const rp1 = choices.find((c) => c.kind === 'resourcePool' && c.name === 'DC0_C0_RP1')!;
    assert.ok(rp1.within?.includes(inv.clusters[0].id), 'a pool of the cluster is offered under the cluster');
    assert.ok(rp1.within?.includes(inv.hosts.find((h) => h.name === 'DC0_C0_H1')!.id), 'and under its hosts');
  });

  it('to a cluster (its root resource pool), by moref', async () => {
    const cluster = inv.clusters[0];
    const vm = await p.restoreVm(
      backup,
      { name: 'in-cluster', placement: { container: { kind: 'cluster', id: cluster.id } } },
      jobCtx(),
    );
    const now = (await readInventory(f.client)).vms.find((v) => v.id === vm.id)!;
    const root = inv.resourcePools.find((r) => r.ownerId === cluster.id && r.name === 'Resources')!;
    assert.equal(now.resourcePoolId, root.id);
    assert.ok(cluster.hostIds.includes(now.hostId!), 'a host of the cluster');
  });

  it('a network that does not exist is refused before any upload, naming it and the NIC', async () => {
    const before = (await readInventory(f.client)).vms.length;
    const err = await p.restoreVm(backup, { name: 'never', networkMap: { ethernet0: 'Nowhere' } }, jobCtx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError && err.code === 'NETWORK_NOT_FOUND', String(err));
    assert.match(err.message, /no network is named "Nowhere" in datacenter DC0/);
    assert.match(err.message, /ethernet0/);
    assert.match(err.message, /connection "vc"/);
    assert.equal(fs.existsSync(path.join(dsDir('LocalDS_0'), 'never')), false, 'no directory made');
    assert.equal((await readInventory(f.client)).vms.length, before);
    const other = await p.restoreVm(backup, { networkMap: { ethernet7: 'VM Network' } }, jobCtx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.match(String(other), /ethernet7 is not a NIC of the backed-up VM/);
  });

  it('a resource pool outside the chosen host, or an unknown folder, is refused before any upload', async () => {
    const err = await p
      .restoreVm(
        backup,
        { name: 'never', placement: { container: { kind: 'host', id: 'DC0_H0' }, resourcePoolId: 'DC0_C0_RP1' } },
        jobCtx(),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof VendorError && err.code === 'NOT_FOUND', String(err));
    assert.match(
      err.message,
      /DC0_H0 in datacenter DC0: no resource pool \\?"DC0_C0_RP1\\?"; the resource pools: \\?"Resources/,
    );
    const nf = await p.restoreVm(backup, { name: 'never', placement: { folderId: 'No Such Folder' } }, jobCtx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(nf instanceof VendorError && nf.code === 'NOT_FOUND', String(nf));
    // The valid choices are named (core/notFound.ts), so the user can retype without looking them up.
    assert.match(nf.message, /no VM folder \\?"No Such Folder\\?"; the VM folders: .*\\?"vm\\?"/);
    assert.equal(fs.existsSync(path.join(dsDir('LocalDS_0'), 'never')), false);
  });

  it('from the shell: networks, storage, restore with --datastore --cluster --folder --network --power-on', async () => {
    const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD: VCSIM_PASSWORD } });
    const { stdout: nets } = await vmb(['networks']);
    assert.match(nets, /^"Backup Net" · Network · network-\d+$/m);
    assert.match(nets, /^"VM Network" · Network · /m);
    const { stdout: storage } = await vmb(['storage']);
    assert.match(storage, /^"LocalDS_1" · \S+ · (shared|not shared) · [\d.]+ GiB free · \S+$/m);
    const { stdout } = await vmb([
      'restore',
      backup.id,
      '--name',
      'from-shell',
      '--datastore',
      'LocalDS_1',
      '--cluster',
      inv.clusters[0].name,
      '--folder',
      'Restored',
      '--network',
      'ethernet0=Backup Net',
      '--power-on',
      '--json',
    ]);
    const vm = JSON.parse(stdout) as { id: string; powerState: string };
    assert.equal(vm.powerState, 'running');
    const now = (await readInventory(f.client)).vms.find((v) => v.id === vm.id)!;
    assert.equal(now.folderId, folderId);
    assert.match(uploadedVmx('LocalDS_1', 'from-shell'), /^ethernet0\.networkName = "Backup Net"$/m);
    const refused = await vmb(['restore', backup.id, '--network', 'ethernet1=Nowhere']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(refused?.code, 1);
    assert.match(refused!.stderr, /NETWORK_NOT_FOUND.*Nowhere.*ethernet1/);
  });
});
