import { strict as assert } from 'node:assert';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRestoreName } from '../../src/core/restoreName';
import { safeName } from '../../src/core/safeName';
import { VendorError, isCancel } from '../../src/core/errors';
import { BackupRepository } from '../../src/core/repository';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { readInventory, readVm } from '../../src/providers/vmware/vmwareInventory';
import { setPower } from '../../src/providers/vmware/vmwareSnapshots';
import { VsphereInventory } from '../../src/providers/vmware/vmwareRecords';
import { VCSIM_PASSWORD, VmwareFixture, loggingCtx, vcsimSuite } from './vmwareFixture';
import { resettingProxy } from './resettingProxy';
import { filesBelow } from './filesBelow';
import { tempDir } from '../tempDir';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('vSphere backup and restore through the provider (vcsim)', function () {
  const fixture = vcsimSuite(this, { ds: 2, vm: 3 });
  let f: VmwareFixture;
  let p: VmwareProvider;
  let inv: VsphereInventory;
  let repo: string;
  const made: string[] = [];
  const tmp = (prefix: string) => {
    const d = tempDir(prefix);
    made.push(d);
    return d;
  };
  const provider = (url = f.sim.baseUrl, password = VCSIM_PASSWORD) =>
    new VmwareProvider(
      { name: 'vc', platform: 'vmware', url, username: 'administrator@vsphere.local', thumbprint: f.sim.sha256 },
      { password },
    );
  const vmNamed = (name: string) => inv.vms.find((v) => v.name === name)!;
  const dsDir = (name: string) => inv.datastores.find((d) => d.name === name)!.url!;

  before(async () => {
    f = fixture();
    inv = await readInventory(f.client);
    repo = tmp('vmbackup-vc-repo-');
    p = provider();
    await p.connect();
  });
  after(async () => {
    await p?.disconnect();
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it("backs up a running VM: its files with the datastore's sha256, a vmware manifest, listed and verified; no snapshot left", async () => {
    const vm = vmNamed('DC0_H0_VM0');
    const extent = path.join(dsDir('LocalDS_0'), vm.name, 'disk1-flat.vmdk');
    fs.writeFileSync(extent, randomBytes(3 << 20));
    fs.writeFileSync(
      path.join(dsDir('LocalDS_0'), vm.name, `${vm.name}.vmx`),
      `displayName = "${vm.name}"\nnvram = "${vm.name}.nvram"\nscsi0:0.fileName = "disk1.vmdk"\n`,
    );
    const e = await p.backupVm(vm.id, { repository: repo }, loggingCtx());
    assert.equal(path.relative(repo, e.dir).split(path.sep)[0], vm.name);
    assert.match(path.basename(e.dir), /^\d{4}-\d{2}-\d{2}-\d{6}-vm$/);
    const m = e.manifest!;
    assert.equal(m.platform, 'vmware');
    assert.equal(m.kind, 'vm');
    assert.equal(m.source.connection, 'vc');
    assert.deepEqual(m.source.pool, { id: vm.datacenterId, name: 'DC0' });
    assert.equal(m.source.host?.id, vm.hostId);
    assert.equal(m.source.vm?.id, vm.id);
    assert.equal(m.source.vm?.name, vm.name);
    assert.deepEqual(m.files.map((x) => x.name).sort(), [
      'LocalDS_0/DC0_H0_VM0/DC0_H0_VM0.nvram',
      'LocalDS_0/DC0_H0_VM0/DC0_H0_VM0.vmx',
      'LocalDS_0/DC0_H0_VM0/disk1-flat.vmdk',
      'LocalDS_0/DC0_H0_VM0/disk1.vmdk',
    ]);
    for (const x of m.files)
      assert.equal(x.sha256, sha256(path.join(dsDir('LocalDS_0'), x.name.split('/').slice(1).join('/'))), x.name);
    assert.equal(m.files.find((x) => x.name.endsWith('-flat.vmdk'))!.bytes, 3 << 20);
    const listed = new BackupRepository(repo).list();
    assert.deepEqual(
      listed.map((x) => x.id),
      [e.id],
    );
    assert.deepEqual(await new BackupRepository(repo).verify(listed[0]), { ok: true, problems: [] });
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, [], 'the temporary snapshot is removed');
  });

  it('a second backup of the same VM is a second entry beside the first', async () => {
    const vm = vmNamed('DC0_H0_VM0');
    const e = await p.backupVm(vm.id, { repository: repo }, loggingCtx());
    const mine = new BackupRepository(repo).list().filter((x) => x.vmName === vm.name);
    assert.equal(mine.length, 2);
    assert.equal(path.dirname(mine[0].dir), path.dirname(mine[1].dir));
    assert.ok((await new BackupRepository(repo).verify(e)).ok);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('backs up a powered-off VM the same way', async () => {
    const vm = vmNamed('DC0_H0_VM1');
    await setPower(f.client, vm.id, false);
    const ctx = loggingCtx();
    // As the VS Code command asks (compress: true): not applicable on vSphere, said in the log, the backup made.
    const e = await p.backupVm(vm.id, { repository: repo, compress: true }, ctx);
    assert.match(ctx.logs.join('\n'), /compression does not apply/);
    assert.equal(e.manifest!.source.vm?.powerState, 'poweredOff');
    assert.equal(e.files.length, 4);
    assert.ok((await new BackupRepository(repo).verify(e)).ok);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('a cancel mid-stream leaves no .part, no backup folder and no snapshot', async () => {
    const vm = vmNamed('DC0_C0_RP0_VM0');
    fs.writeFileSync(path.join(dsDir('LocalDS_0'), vm.name, 'disk1-flat.vmdk'), randomBytes(48 << 20));
    const ac = new AbortController();
    const own = tmp('vmbackup-vc-cancel-');
    const err = await p
      .backupVm(
        vm.id,
        { repository: own },
        loggingCtx(ac.signal, (fr) => {
          if (fr > 0 && fr < 1) ac.abort();
        }),
      )
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    assert.ok(isCancel(err), String(err));
    assert.deepEqual(filesBelow(own), []);
    assert.deepEqual(fs.readdirSync(own), [], 'not even the VM folder');
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('a connection reset at a random offset of the disk never leaves a backup that looks complete', async () => {
    const vm = vmNamed('DC0_C0_RP0_VM1');
    fs.writeFileSync(path.join(dsDir('LocalDS_0'), vm.name, 'disk1-flat.vmdk'), randomBytes(8 << 20));
    const cutAt = randomInt(1 << 20, 8 << 20);
    const proxy = await resettingProxy(new URL(f.sim.baseUrl), cutAt);
    const own = tmp('vmbackup-vc-reset-');
    const viaProxy = provider(proxy.url);
    try {
      await viaProxy.connect();
      const err = await viaProxy.backupVm(vm.id, { repository: own }, loggingCtx()).then(
        () => undefined,
        (x: unknown) => x,
      );
      assert.equal(proxy.cuts, 1, `the proxy cut one connection after ${cutAt} bytes`);
      assert.ok(
        err instanceof Error && !(err instanceof VendorError && err.code === 'NOT_SUPPORTED'),
        `the backup fails on the reset: ${String(err)}`,
      );
      assert.match(err.message, /connection "vc"/);
      assert.doesNotMatch(err.message, /HTTP_\d+/, 'the reset, not a refusal, ended it');
      assert.deepEqual(new BackupRepository(own).list(), []);
      assert.deepEqual(
        filesBelow(own).filter((x) => x.endsWith('.part') || x.endsWith('manifest.json')),
        [],
      );
      assert.deepEqual(filesBelow(own), []);
      assert.deepEqual((await readVm(f.client, vm.id)).snapshots, [], 'the snapshot is removed over a new connection');
    } finally {
      await viaProxy.disconnect();
      proxy.close();
    }
  });

  it('a file the datastore cannot serve fails with the vendor status verbatim, naming connection, datacenter, host and VM', async () => {
    const vm = vmNamed('DC0_H0_VM2');
    const own = tmp('vmbackup-vc-404-');
    const ctx = loggingCtx();
    const log = ctx.log;
    ctx.log = (l) => {
      log(l);
      if (l === `reading [LocalDS_0] ${vm.name}/disk1.vmdk`)
        fs.rmSync(path.join(dsDir('LocalDS_0'), vm.name, 'disk1.vmdk'));
    };
    const err = await p.backupVm(vm.id, { repository: own }, ctx).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(err instanceof VendorError && err.code === 'HTTP_404', String(err));
    assert.match(err.message, /connection "vc"/);
    assert.match(err.message, /DC0/);
    assert.match(err.message, /DC0_H0_VM2/);
    assert.match(err.message, /\[LocalDS_0\] DC0_H0_VM2\/disk1\.vmdk/);
    assert.deepEqual(fs.readdirSync(own), []);
    assert.deepEqual((await readVm(f.client, vm.id)).snapshots, []);
  });

  it('a wrong password fails with InvalidLogin verbatim and no password in the message', async () => {
    const bad = provider(undefined, 'not-the-password-91');
    const err = await bad.connect().then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(err instanceof VendorError && err.code === 'InvalidLogin', String(err));
    assert.match(err.message, /Login failure/);
    assert.ok(!err.message.includes('not-the-password-91') && !err.message.includes(VCSIM_PASSWORD));
    const refused = await bad
      .backupVm(vmNamed('DC0_H0_VM0').id, { repository: tmp('vmbackup-vc-pw-') }, loggingCtx())
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    assert.ok(refused instanceof VendorError && refused.code === 'InvalidLogin', String(refused));
  });

  it('restores next to the original: a new directory, the files uploaded, registered as a copy (new uuid, uuid.action = "create")', async () => {
    const entry = new BackupRepository(repo).list().find((x) => x.vmName === 'DC0_H0_VM0')!;
    const ctx = loggingCtx();
    const vm = await p.restoreVm(entry, {}, ctx);
    assert.equal(vm.name, defaultRestoreName(entry), 'the VM name with the backup date');
    const original = vmNamed('DC0_H0_VM0');
    assert.notEqual(vm.id, original.id);
    assert.notEqual(vm.uuid, original.instanceUuid || original.uuid, 'a new uuid');
    const now = await readInventory(f.client);
    assert.ok(
      now.vms.some((v) => v.name === 'DC0_H0_VM0') && now.vms.some((v) => v.name === vm.name),
      'the original and the restored VM are registered',
    );
    const folder = safeName(vm.name);
    const dir = path.join(dsDir('LocalDS_0'), folder);
    for (const x of entry.files.filter((y) => !y.name.endsWith('.vmx')))
      assert.equal(sha256(path.join(dir, path.posix.basename(x.name))), x.sha256, x.name);
    const vmx = fs.readFileSync(path.join(dir, 'DC0_H0_VM0.vmx'), 'utf8');
    assert.match(vmx, /^uuid\.action = "create"$/m);
    assert.match(vmx, /^scsi0:0\.fileName = "disk1\.vmdk"$/m, 'the other lines are kept');
    assert.equal(
      fs.readFileSync(path.join(dsDir('LocalDS_0'), 'DC0_H0_VM0', 'DC0_H0_VM0.vmx'), 'utf8').includes('uuid.action'),
      false,
      "the original's files are untouched",
    );
    assert.ok(
      ctx.logs.includes(
        `RegisterVM_Task [LocalDS_0] ${folder}/DC0_H0_VM0.vmx as "${vm.name}" (a copy: uuid.action = "create")`,
      ),
      ctx.logs.join('\n'),
    );
  });

  it('restores to another datastore under a new name, powered on', async () => {
    const entry = new BackupRepository(repo).list().find((x) => x.vmName === 'DC0_H0_VM1')!;
    const target = inv.datastores.find((d) => d.name === 'LocalDS_1')!;
    const vm = await p.restoreVm(
      entry,
      { storageId: target.id, name: 'restored "copy" | 2', powerOn: true },
      loggingCtx(),
    );
    assert.equal(vm.name, 'restored "copy" | 2');
    assert.equal(vm.powerState, 'running');
    const dir = path.join(dsDir('LocalDS_1'), 'restored _copy_ _ 2');
    assert.deepEqual(
      fs
        .readdirSync(dir)
        .filter((n) => !['vmware.log', 'restored "copy" | 2.nvram'].includes(n))
        .sort(),
      ['DC0_H0_VM1.nvram', 'DC0_H0_VM1.vmx', 'disk1-flat.vmdk', 'disk1.vmdk'],
    );
    assert.match(
      fs.readFileSync(path.join(dir, 'DC0_H0_VM1.vmx'), 'utf8'),
      /^displayName = "restored \|22copy\|22 \|7C 2"$/m,
      'the name is escaped as .vmx values are',
    );
    const registered = (await readInventory(f.client)).vms.find((v) => v.id === vm.id)!;
    assert.deepEqual(registered.datastoreIds, [target.id]);
  });

  it('replacing the original is refused (NOT_SUPPORTED) before anything is uploaded', async () => {
    const entry = new BackupRepository(repo).list().find((x) => x.vmName === 'DC0_H0_VM0')!;
    const err = await p.restoreVm(entry, { mode: 'replace' }, loggingCtx()).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(err instanceof VendorError && err.code === 'NOT_SUPPORTED', String(err));
    assert.match(err.message, /connection "vc"/);
    assert.equal(fs.existsSync(path.join(dsDir('LocalDS_0'), 'DC0_H0_VM0_2')), false);
  });

  it('a disk file changed since its manifest: INVALID_BACKUP naming it, the upload stopped short, nothing registered', async () => {
    const entry = new BackupRepository(repo).list().find((x) => x.vmName === 'DC0_H0_VM0')!;
    const disk =
      entry.files.find((x) => /-flat\.vmdk$/.test(x.name)) ?? entry.files.find((x) => /\.vmdk$/.test(x.name))!;
    const file = path.join(entry.dir, disk.name);
    const original = fs.readFileSync(file);
    const damaged = Buffer.from(original);
    damaged[damaged.length - 1] ^= 1;
    fs.writeFileSync(file, damaged);
    try {
      const before = (await readInventory(f.client)).vms.length;
      const err = await p.restoreVm(entry, { storageId: 'LocalDS_1', name: 'damaged' }, loggingCtx()).then(
        () => undefined,
        (x: unknown) => x as Error,
      );
      assert.match(
        String(err?.message),
        new RegExp(
          `INVALID_BACKUP ${path.basename(disk.name).replace(/\./g, '\\.')}: sha256 differs from the manifest`,
        ),
      );
      assert.equal(fs.existsSync(path.join(dsDir('LocalDS_1'), 'damaged')), false);
      assert.equal((await readInventory(f.client)).vms.length, before);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('a restore cancelled mid-upload removes the directory it made and registers nothing', async () => {
    const entry = new BackupRepository(repo).list().find((x) => x.vmName === 'DC0_H0_VM0')!;
    const before = (await readInventory(f.client)).vms.length;
    const ac = new AbortController();
    // Cancelled while the 3 MiB extent is on its way (the first progress report of the upload).
    const err = await p
      .restoreVm(
        entry,
        { storageId: 'LocalDS_1', name: 'never' },
        loggingCtx(ac.signal, (fr) => {
          if (fr > 0 && fr < 1) ac.abort();
        }),
      )
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    assert.ok(isCancel(err), String(err));
    assert.equal(fs.existsSync(path.join(dsDir('LocalDS_1'), 'never')), false);
    assert.equal((await readInventory(f.client)).vms.length, before);
  });
});
