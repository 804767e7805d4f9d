import { strict as assert } from 'node:assert';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VendorError, isCancel } from '../../src/core/errors';
import { JobContext } from '../../src/core/job';
import { BackupRepository, CatalogEntry } from '../../src/core/repository';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { readInventory, readVm } from '../../src/providers/vmware/vmwareInventory';
import { setPower } from '../../src/providers/vmware/vmwareSnapshots';
import { downloadDatastoreFile } from '../../src/providers/vmware/vmwareFiles';
import { retrieveObject } from '../../src/providers/vmware/vimPropertyCollector';
import { VsphereInventory } from '../../src/providers/vmware/vmwareRecords';
import { VCSIM_PASSWORD, VmwareFixture, vcsimSuite } from './vmwareFixture';
import { resettingProxy } from './resettingProxy';
import { readOvfDescriptor } from '../../src/providers/vmware/ovfDescriptor';
import { VimValue, asList, asObject } from '../../src/providers/vmware/vimValue';
import { backupNics } from '../../src/core/restoreNetworks';
import { addPortGroup } from '../peers/vcsim/vcsimRestoreTargets';
import { filesBelow } from './filesBelow';
import { tempDir } from '../tempDir';

function jobCtx(signal = new AbortController().signal, onBytes: (done: number) => void = () => undefined) {
  const logs: string[] = [];
  const ctx: JobContext & { logs: string[] } = {
    signal,
    logs,
    log: (l) => {
      logs.push(l);
    },
    progress: (p) => onBytes(p.bytesDone),
  };
  return ctx;
}
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
/** The lease a job logged (`HttpNfcLeaseComplete lease` / `HttpNfcLeaseAbort lease`). */
const leaseOf = (logs: string[], verb: string) =>
  logs.map((l) => new RegExp(`^${verb} (\\S+)`).exec(l)?.[1]).find((x) => x !== undefined);

function suiteHelpers(fixture: () => VmwareFixture) {
  const made: string[] = [];
  const h = {
    f: undefined as unknown as VmwareFixture,
    inv: undefined as unknown as VsphereInventory,
    tmp(prefix: string) {
      const d = tempDir(prefix);
      made.push(d);
      return d;
    },
    provider(url?: string): VmwareProvider {
      return new VmwareProvider(
        {
          name: 'vc',
          platform: 'vmware',
          url: url ?? h.f.sim.baseUrl,
          username: 'administrator@vsphere.local',
          thumbprint: h.f.sim.sha256,
        },
        { password: VCSIM_PASSWORD },
      );
    },
    vm: (name: string) => h.inv.vms.find((v) => v.name === name)!,
    dsDir: (name = 'LocalDS_0') => h.inv.datastores.find((d) => d.name === name)!.url!,
    /** The disk's bytes as the datastore's /folder interface serves them, downloaded into a scratch folder. */
    async folderSha(vmName: string, file: string): Promise<string> {
      const dc = h.inv.datacenters[0].name;
      const out = h.tmp('vmbackup-ovf-folder-');
      const w = await downloadDatastoreFile(
        h.f.client,
        dc,
        { datastore: 'LocalDS_0', path: `${vmName}/${file}` },
        out,
        jobCtx(),
      );
      return w.sha256;
    },
    /** The MAC of each NIC of the VM (config.hardware.device VirtualEthernetCard.macAddress), in device order. */
    async macs(vmId: string): Promise<string[]> {
      const o = await retrieveObject(h.f.client, { type: 'VirtualMachine', value: vmId }, ['config.hardware.device']);
      const devices = asList(o?.props['config.hardware.device'] as VimValue);
      return devices.flatMap((d) => {
        const mac = asObject(d, 'VirtualDevice').macAddress;
        return typeof mac === 'string' ? [mac] : [];
      });
    },
    async leaseState(id: string): Promise<string | undefined> {
      const o = await retrieveObject(h.f.client, { type: 'HttpNfcLease', value: id }, ['state']);
      return o?.props.state as string | undefined;
    },
  };
  before(async () => {
    h.f = fixture();
    h.inv = await readInventory(h.f.client);
  });
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });
  return h;
}

describe('vSphere OVF export and import (vcsim with the launcher’s ExportVm, HttpNfcLease, CreateDescriptor)', function () {
  const h = suiteHelpers(vcsimSuite(this, { vm: 3, nfcRate: 4 << 20 }));
  let p: VmwareProvider;
  let offBackup: CatalogEntry;
  before(async () => {
    p = h.provider();
    await p.connect();
  });
  after(async () => p?.disconnect());

  it('exports a powered-off VM: <vm>.ovf + disk-0.vmdk, the disk’s bytes = the /folder download of its extent, manifest verified, lease done', async () => {
    const vm = h.vm('DC0_H0_VM1');
    fs.writeFileSync(path.join(h.dsDir(), vm.name, 'disk1-flat.vmdk'), randomBytes(3 << 20));
    await setPower(h.f.client, vm.id, false);
    const repo = h.tmp('vmbackup-ovf-repo-');
    const ctx = jobCtx();
    offBackup = await p.backupVm(vm.id, { repository: repo, format: 'ovf' }, ctx);
    const m = offBackup.manifest!;
    assert.deepEqual(m.files.map((x) => x.name).sort(), ['DC0_H0_VM1.ovf', 'disk-0.vmdk']);
    assert.equal(m.viaSnapshot, false);
    const disk = m.files.find((x) => x.name === 'disk-0.vmdk')!;
    assert.equal(disk.bytes, 3 << 20);
    assert.equal(disk.sha256, await h.folderSha(vm.name, 'disk1-flat.vmdk'));
    const ovf = fs.readFileSync(path.join(offBackup.dir, 'DC0_H0_VM1.ovf'), 'utf8');
    assert.match(ovf, /ovf:href="disk-0\.vmdk"/);
    assert.match(ovf, new RegExp(`ovf:size="${3 << 20}"`));
    assert.deepEqual(await new BackupRepository(repo).verify(offBackup), { ok: true, problems: [] });
    assert.deepEqual(filesBelow(offBackup.dir), ['DC0_H0_VM1.ovf', 'disk-0.vmdk', 'manifest.json']);
    assert.equal(await h.leaseState(leaseOf(ctx.logs, 'HttpNfcLeaseComplete')!), 'done');
    assert.ok(ctx.logs.includes('ExportVm'));
  });

  it('ExportVm of a running VM is refused InvalidPowerState (as vSphere); the OVF backup of it goes through a temporary snapshot and ExportSnapshot, and removes it', async () => {
    const vm = h.vm('DC0_H0_VM0');
    assert.equal((await readVm(h.f.client, vm.id)).powerState, 'poweredOn');
    const err = await failure(h.f.client.invoke('ExportVm', { type: 'VirtualMachine', value: vm.id }));
    assert.ok(err instanceof VendorError && err.code === 'InvalidPowerState', String(err));
    fs.writeFileSync(path.join(h.dsDir(), vm.name, 'disk1-flat.vmdk'), randomBytes(2 << 20));
    const ctx = jobCtx();
    const e = await p.backupVm(vm.id, { repository: h.tmp('vmbackup-ovf-run-'), format: 'ovf' }, ctx);
    assert.equal(e.manifest!.viaSnapshot, true);
    assert.match(ctx.logs.join('\n'), /ExportSnapshot of "vmbackup-temp /);
    assert.equal(
      e.manifest!.files.find((x) => x.name === 'disk-0.vmdk')!.sha256,
      await h.folderSha(vm.name, 'disk1-flat.vmdk'),
    );
    assert.deepEqual((await readVm(h.f.client, vm.id)).snapshots, [], 'the temporary snapshot is removed');
  });

  it('a cancel mid-stream aborts the lease and leaves no .part, no backup folder and no snapshot', async () => {
    const vm = h.vm('DC0_C0_RP0_VM0');
    fs.writeFileSync(path.join(h.dsDir(), vm.name, 'disk1-flat.vmdk'), randomBytes(24 << 20));
    const ac = new AbortController();
    const own = h.tmp('vmbackup-ovf-cancel-');
    const ctx = jobCtx(ac.signal, (done) => {
      if (done > 1 << 20) ac.abort();
    });
    const err = await failure(p.backupVm(vm.id, { repository: own, format: 'ovf' }, ctx));
    assert.ok(isCancel(err), String(err));
    assert.deepEqual(fs.readdirSync(own), [], 'not even the VM folder');
    assert.deepEqual((await readVm(h.f.client, vm.id)).snapshots, []);
    const lease = leaseOf(ctx.logs, 'HttpNfcLeaseAbort');
    assert.ok(lease, ctx.logs.join('\n'));
    assert.equal(await h.leaseState(lease), 'error', 'the lease was aborted');
  });

  it('restores the OVF backup by OVF import: a registered VM whose disk, exported again, has the same bytes; next to its original, without the original’s MACs', async () => {
    const ctx = jobCtx();
    const [mac] = await h.macs(h.vm('DC0_H0_VM1').id);
    // What the import is asked for: the descriptor handed to CreateImportSpec.
    const sent: string[] = [];
    const invoke = p.vim.invoke.bind(p.vim);
    p.vim.invoke = (method, self, args, signal) => {
      if (method === 'CreateImportSpec') sent.push(args ?? '');
      return invoke(method, self, args, signal);
    };
    let restored;
    try {
      restored = await p.restoreVm(offBackup, { name: 'ovf-restored', storageId: 'LocalDS_0' }, ctx);
    } finally {
      p.vim.invoke = invoke;
    }
    assert.equal(sent.length, 1);
    assert.match(sent[0], /Network adapter 1/, 'the NIC is imported');
    assert.ok(!sent[0].includes(mac), 'the original’s MAC is not in the descriptor imported next to it');
    assert.notDeepEqual(await h.macs(restored.id), [mac]);
    assert.equal(restored.name, 'ovf-restored');
    assert.match(
      ctx.logs.join('\n'),
      /CreateImportSpec[\s\S]*ImportVApp[\s\S]*uploading disk-0\.vmdk[\s\S]*HttpNfcLeaseComplete/,
    );
    const inv = await readInventory(h.f.client);
    const vm = inv.vms.find((v) => v.name === 'ovf-restored');
    assert.ok(vm, 'registered in the inventory');
    const again = await p.backupVm(vm.id, { repository: h.tmp('vmbackup-ovf-again-'), format: 'ovf' }, jobCtx());
    const sum = (e: CatalogEntry) => e.manifest!.files.find((x) => x.name === 'disk-0.vmdk')!.sha256;
    assert.equal(sum(again), sum(offBackup));
  });

  it('an OVF backup records its NICs in the manifest (from the descriptor), so a restore asks one network per NIC', async () => {
    const ovf = readOvfDescriptor(fs.readFileSync(path.join(offBackup.dir, 'DC0_H0_VM1.ovf'), 'utf8'));
    assert.deepEqual(
      ovf.nics.map((n) => [n.device, n.network]),
      [['ethernet0', 'DC0_DVPG0']],
    );
    const macs = await h.macs(h.vm('DC0_H0_VM1').id);
    assert.equal(macs.length, 1);
    assert.match(macs[0], /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i);
    // CreateDescriptor was asked for the MACs (exportOption "mac"): the manifest records the NIC's own.
    assert.deepEqual(offBackup.manifest!.source.vm!.macs, [
      { device: 'ethernet0', mac: macs[0], network: 'DC0_DVPG0' },
    ]);
    // What the restore wizard and `restore --network` ask: one step per NIC (core restoreNetworks.ts).
    assert.deepEqual(
      backupNics(offBackup).map((n) => [n.key, n.network]),
      [['ethernet0', 'DC0_DVPG0']],
    );
  });

  it('restores an OVF backup with its NIC mapped to another network (networkMapping of the import); a NIC it lacks or a missing network is refused before the import', async () => {
    await addPortGroup(h.f.client, h.inv.hosts.find((x) => x.name === 'DC0_H0')!.id, 'OVF Net');
    const ctx = jobCtx();
    const restored = await p.restoreVm(
      offBackup,
      { name: 'ovf-mapped', storageId: 'LocalDS_0', networkMap: { ethernet0: 'OVF Net' } },
      ctx,
    );
    const inv = await readInventory(h.f.client);
    const target = inv.networks.find((n) => n.name === 'OVF Net')!;
    const vmNets = await retrieveObject(h.f.client, { type: 'VirtualMachine', value: restored.id }, ['network']);
    assert.deepEqual(
      (vmNets!.props.network as Array<{ value: string }>).map((n) => n.value),
      [target.id],
      'the imported NIC is on the mapped network',
    );
    const refused = async (networkMap: Record<string, string>, re: RegExp) => {
      const logs = jobCtx();
      const err = await failure(
        p.restoreVm(offBackup, { name: 'ovf-refused', storageId: 'LocalDS_0', networkMap }, logs),
      );
      assert.match(String(err), re);
      assert.doesNotMatch(logs.logs.join('\n'), /CreateImportSpec/, 'refused before the import');
    };
    await refused({ ethernet1: 'OVF Net' }, /INVALID_ARGUMENT.*ethernet1 is not a NIC.*ethernet0/);
    await refused({ ethernet0: 'No Such Net' }, /NETWORK_NOT_FOUND.*No Such Net.*ethernet0/);
  });

  it('a cancelled OVF import aborts its lease: the VM the import created is removed (as vSphere does), nothing else', async () => {
    const vm = h.vm('DC0_C0_RP0_VM1');
    fs.writeFileSync(path.join(h.dsDir(), vm.name, 'disk1-flat.vmdk'), randomBytes(16 << 20));
    const e = await p.backupVm(vm.id, { repository: h.tmp('vmbackup-ovf-big-'), format: 'ovf' }, jobCtx());
    const before = (await readInventory(h.f.client)).vms.map((v) => v.name).sort();
    const ac = new AbortController();
    const ctx = jobCtx(ac.signal, (done) => {
      if (done > 0) ac.abort();
    });
    const err = await failure(p.restoreVm(e, { name: 'ovf-cancelled', storageId: 'LocalDS_0' }, ctx));
    assert.ok(isCancel(err), String(err));
    assert.match(ctx.logs.join('\n'), /HttpNfcLeaseAbort/);
    assert.deepEqual((await readInventory(h.f.client)).vms.map((v) => v.name).sort(), before);
    assert.ok(!fs.existsSync(path.join(h.dsDir(), 'ovf-cancelled')), 'its files are gone with it');
  });

  it('an .ovf naming ../../etc/passwd is refused before anything is imported', async () => {
    const dir = path.join(h.tmp('vmbackup-ovf-hostile-'), 'DC0_H0_VM1', 'x-vm');
    fs.cpSync(offBackup.dir, dir, { recursive: true });
    const ovfPath = path.join(dir, 'DC0_H0_VM1.ovf');
    const hostile = fs.readFileSync(ovfPath, 'utf8').replace('ovf:href="disk-0.vmdk"', 'ovf:href="../../etc/passwd"');
    fs.writeFileSync(ovfPath, hostile);
    const manifestPath = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    m.files.find((x: { name: string }) => x.name.endsWith('.ovf')).sha256 = sha256(ovfPath);
    // The manifest is a file anyone could have written too: it lists the name, so only the descriptor's check stops it.
    m.files.push({ name: '../../etc/passwd', bytes: 1, sha256: '0'.repeat(64) });
    fs.writeFileSync(manifestPath, JSON.stringify(m));
    const entry = new BackupRepository(path.dirname(path.dirname(dir))).list()[0];
    const before = (await readInventory(h.f.client)).vms.length;
    const ctx = jobCtx();
    const err = await failure(p.restoreVm(entry, { name: 'hostile', storageId: 'LocalDS_0' }, ctx));
    assert.ok(err instanceof VendorError && err.code === 'INVALID_BACKUP', String(err));
    assert.match(err.message, /\.\.\/\.\.\/etc\/passwd/);
    assert.doesNotMatch(ctx.logs.join('\n'), /ImportVApp/);
    assert.equal((await readInventory(h.f.client)).vms.length, before);
  });
});

describe('vSphere OVF export: the lease times out without HttpNfcLeaseProgress (vcsim, 2 s lease)', function () {
  // 2 MiB at 512 KiB/s: each download outlasts the lease timeout, so only the keep-alive keeps the lease.
  const h = suiteHelpers(vcsimSuite(this, { vm: 2, leaseTimeout: 2, nfcRate: 512 << 10 }));

  it('with HttpNfcLeaseProgress the export outlives the lease timeout; without it the lease times out: Timedout verbatim, nothing left', async () => {
    const vm = h.vm('DC0_H0_VM1');
    fs.writeFileSync(path.join(h.dsDir(), vm.name, 'disk1-flat.vmdk'), randomBytes(2 << 20));
    await setPower(h.f.client, vm.id, false);
    const p = h.provider();
    await p.connect();
    try {
      const ok = await p.backupVm(vm.id, { repository: h.tmp('vmbackup-ovf-kept-'), format: 'ovf' }, jobCtx());
      assert.equal(ok.manifest!.files.find((x) => x.name === 'disk-0.vmdk')!.bytes, 2 << 20);
      p.ovfExport = { keepAliveMs: 3_600_000 };
      const own = h.tmp('vmbackup-ovf-timeout-');
      const err = await failure(p.backupVm(vm.id, { repository: own, format: 'ovf' }, jobCtx()));
      assert.ok(err instanceof VendorError && err.code === 'Timedout', String(err));
      assert.match(err.message, /connection "vc"/);
      assert.deepEqual(fs.readdirSync(own), []);
    } finally {
      await p.disconnect();
    }
  });
});

describe('vSphere OVF export: a connection reset at a random offset (vcsim as ESX: lease URLs with host "*")', function () {
  const h = suiteHelpers(vcsimSuite(this, { esx: true, vm: 1 }));

  it('never leaves a backup that looks complete, and aborts the lease', async () => {
    const vm = h.inv.vms[0];
    fs.writeFileSync(path.join(h.dsDir(h.inv.datastores[0].name), vm.name, 'disk1-flat.vmdk'), randomBytes(8 << 20));
    await setPower(h.f.client, vm.id, false);
    const cutAt = randomInt(1 << 20, 8 << 20);
    const proxy = await resettingProxy(new URL(h.f.sim.baseUrl), cutAt);
    const own = h.tmp('vmbackup-ovf-reset-');
    const p = h.provider(proxy.url);
    try {
      await p.connect();
      const ctx = jobCtx();
      const err = await failure(p.backupVm(vm.id, { repository: own, format: 'ovf' }, ctx));
      assert.equal(proxy.cuts, 1, `the proxy cut one connection after ${cutAt} bytes`);
      assert.ok(err instanceof Error, String(err));
      assert.match(ctx.logs.join('\n'), /downloading disk-0\.vmdk/, 'the cut came during the disk’s download');
      assert.deepEqual(new BackupRepository(own).list(), []);
      assert.deepEqual(filesBelow(own), []);
      assert.equal(await h.leaseState(leaseOf(ctx.logs, 'HttpNfcLeaseAbort')!), 'error');
    } finally {
      await p.disconnect();
      proxy.close();
    }
  });
});
