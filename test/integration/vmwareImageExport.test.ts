import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, VendorError } from '../../src/core/errors';
import { exportVmImage, imageFiles } from '../../src/providers/vmware/vmwareImageExport';
import { readInventory, readVm } from '../../src/providers/vmware/vmwareInventory';
import { setPower } from '../../src/providers/vmware/vmwareSnapshots';
import { VsphereInventory } from '../../src/providers/vmware/vmwareRecords';
import { VmwareFixture, loggingCtx, vcsimSuite } from './vmwareFixture';
import { filesBelow } from './filesBelow';
import { Journal } from '../../src/core/journal';
import { beginTemporarySnapshot } from '../../src/providers/vmware/vmwareTemporarySnapshot';
import { tempDir } from '../tempDir';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('vSphere image export: temporary snapshot, /folder reads, snapshot removed (vcsim)', function () {
  const fixture = vcsimSuite(this);
  let f: VmwareFixture;
  let inv: VsphereInventory;
  let dsDir: string;
  const made: string[] = [];
  const out = () => {
    const d = tempDir('vmbackup-vmware-export-');
    made.push(d);
    return d;
  };
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });
  before(async () => {
    f = fixture();
    inv = await readInventory(f.client);
    dsDir = inv.datastores[0].url!;
  });
  const vmNamed = (name: string) => inv.vms.find((v) => v.name === name)!;
  /** The journal entry an export needs (its intent), in a journal of its own. */
  const job = async (vmId: string) => {
    const journal = new Journal(out());
    return { journal, entry: await beginTemporarySnapshot(journal, 'vc', await readVm(f.client, vmId)) };
  };

  it('exports a running VM: config, NVRAM, disk descriptor and extent, hashed; no snapshot left', async () => {
    const vm = vmNamed('DC0_H0_VM0');
    fs.writeFileSync(path.join(dsDir, vm.name, 'disk1-flat.vmdk'), randomBytes(3 << 20));
    const dir = out();
    const ctx = loggingCtx();
    const r = await exportVmImage(f.client, vm.id, 'DC0', dir, ctx, await job(vm.id));
    assert.deepEqual(filesBelow(dir), [
      'LocalDS_0/DC0_H0_VM0/DC0_H0_VM0.nvram',
      'LocalDS_0/DC0_H0_VM0/DC0_H0_VM0.vmx',
      'LocalDS_0/DC0_H0_VM0/disk1-flat.vmdk',
      'LocalDS_0/DC0_H0_VM0/disk1.vmdk',
    ]);
    const extent = r.files.find((x) => x.type === 'diskExtent')!;
    assert.equal(extent.sha256, sha256(path.join(dsDir, vm.name, 'disk1-flat.vmdk')));
    assert.equal(extent.bytes, 3 << 20);
    assert.equal(r.quiesced, false, "vcsim's guests run no VMware Tools");
    assert.match(ctx.logs.join('\n'), /no memory, quiesce false/);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, [], 'the temporary snapshot is removed');
  });

  it('exports a powered-off VM the same way', async () => {
    const vm = vmNamed('DC0_H0_VM1');
    await setPower(f.client, vm.id, false);
    const dir = out();
    const r = await exportVmImage(f.client, vm.id, 'DC0', dir, loggingCtx(), await job(vm.id));
    assert.equal(r.files.length, 4);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('a cancel mid-stream leaves no file, no .part and no snapshot', async () => {
    const vm = vmNamed('DC0_C0_RP0_VM0');
    fs.writeFileSync(path.join(dsDir, vm.name, 'disk1-flat.vmdk'), randomBytes(48 << 20));
    const dir = out();
    const ac = new AbortController();
    const err = await exportVmImage(
      f.client,
      vm.id,
      'DC0',
      dir,
      loggingCtx(ac.signal, (fr) => {
        if (fr > 0 && fr < 1) ac.abort();
      }),
      await job(vm.id),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof CancelledError || (err as Error)?.name === 'AbortError', String(err));
    assert.deepEqual(filesBelow(dir), []);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('a file that cannot be read fails the export with the vendor status, removes what was written and the snapshot', async () => {
    const vm = vmNamed('DC0_C0_RP0_VM1');
    const dir = out();
    const ctx = loggingCtx();
    // Gone once the export decided to read it (after the snapshot, whose layout refresh would no longer list it).
    const log = ctx.log;
    ctx.log = (l) => {
      log(l);
      if (l === `reading [LocalDS_0] ${vm.name}/disk1.vmdk`) fs.rmSync(path.join(dsDir, vm.name, 'disk1.vmdk'));
    };
    const err = await exportVmImage(f.client, vm.id, 'DC0', dir, ctx, await job(vm.id)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError && err.code === 'HTTP_404', String(err));
    assert.deepEqual(err.params, [`[LocalDS_0] ${vm.name}/disk1.vmdk`]);
    assert.deepEqual(filesBelow(dir), []);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it("a disk the server no longer lists among the VM's files fails the export (INCOMPLETE_IMAGE), nothing left", async () => {
    const vm = vmNamed('DC0_H0_VM1');
    fs.rmSync(path.join(dsDir, vm.name, 'disk1-flat.vmdk'));
    const dir = out();
    const err = await exportVmImage(f.client, vm.id, 'DC0', dir, loggingCtx(), await job(vm.id)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError && err.code === 'INCOMPLETE_IMAGE', String(err));
    assert.deepEqual(filesBelow(dir), []);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('reads base disks only: no delta, CBT map, log or snapshot state', () => {
    const file = (name: string, type: string) => ({ key: 0, name, type, size: 0, accessible: true });
    assert.deepEqual(
      imageFiles([
        file('[ds] vm/vm.vmx', 'config'),
        file('[ds] vm/vm.nvram', 'nvram'),
        file('[ds] vm/vm.vmdk', 'diskDescriptor'),
        file('[ds] vm/vm-flat.vmdk', 'diskExtent'),
        file('[ds] vm/vm-000001.vmdk', 'diskDescriptor'),
        file('[ds] vm/vm-000001-delta.vmdk', 'diskExtent'),
        file('[ds] vm/vm-000002-sesparse.vmdk', 'diskExtent'),
        file('[ds] vm/vm-ctk.vmdk', 'diskDescriptor'),
        file('[ds] vm/vmware.log', 'log'),
        file('[ds] vm/vm-Snapshot1.vmsn', 'snapshotData'),
        file('[ds] vm/vm.vmx', 'config'),
      ]).map((x) => x.name),
      ['[ds] vm/vm.vmx', '[ds] vm/vm.nvram', '[ds] vm/vm.vmdk', '[ds] vm/vm-flat.vmdk'],
    );
  });
});
