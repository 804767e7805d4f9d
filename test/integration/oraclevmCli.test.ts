// `vmbackup backup` / `restore` / `cleanup` on a `platform: oraclevm` connection, in a child process against the REST lab
// and a real sshd; a backup killed (SIGKILL) while it copies the clone's disk, then Clean Up.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEED } from '../lab/ovm';
import { VmObj } from '../lab/ovm/model';
import { saveConnections } from '../../src/core/connections';
import { CLI, killWhen, repositoryLeftovers, startCli } from './crashRun';
import { OVM_PASSWORD, OvmFixture, filesUnder, startOvmFixture } from './ovmFixture';

describe('Oracle VM CLI: backup, restore, kill -9 and cleanup (child process, REST lab, OpenSSH peer)', function () {
  this.timeout(180_000);
  let f: OvmFixture;
  let ws: string;
  afterEach(async () => {
    await f?.close();
  });
  const setUp = async (diskBytes?: number) => {
    f = await startOvmFixture({ diskBytes, jobStepMs: 20 });
    ws = path.dirname(f.repo);
    saveConnections(ws, [{ ...f.profile, repository: 'backups' }]);
    assert.ok(fs.existsSync(CLI), 'npm run build first');
  };
  const cli = async (args: string[]) => {
    const r = await startCli(ws, args, OVM_PASSWORD).exited;
    return r;
  };
  const vmNames = () => (f.lab.store.all('Vm') as VmObj[]).map((v) => v.name).sort();

  it('backup prints the method’s trade-off; a running VM without --stop gets the Manager’s message and the hint; --stop backs it up; restore --sr --pool --name brings it back', async () => {
    await setUp();
    const refused = await cli(['backup', SEED.running, '--clone-repository', SEED.backupRepository]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /web01 is not stopped: the Manager refuses a cold clone of it \(add --stop/);
    assert.match(refused.stderr, /Cold clone, then back up the clone’s files/);
    assert.match(refused.stderr, /OVMRU_005002E .*Operation not allowed- Virtual Machine: web01, is not STOPPED/);
    const ok = await cli(['backup', SEED.running, '--stop', '--clone-repository', SEED.backupRepository, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^Cold clone, then back up the clone’s files/);
    const entry = JSON.parse(ok.stdout) as { id: string; files: { name: string }[] };
    assert.equal(entry.files.length, 3);
    assert.deepEqual(vmNames(), [SEED.hostile, SEED.stopped, SEED.running].sort());
    const hot = await cli(['backup', SEED.running, '--method', 'hot-clone']);
    assert.equal(hot.code, 1);
    assert.match(hot.stderr, /HOT_CLONE_NOT_CONFIRMED .*Oracle Database.*--confirm-hot-clone/s);
    const restored = await cli([
      'restore',
      entry.id,
      '--sr',
      SEED.repository,
      '--pool',
      SEED.pool,
      '--name',
      'web01-copy',
      '--json',
    ]);
    assert.equal(restored.code, 0, restored.stderr);
    const vm = JSON.parse(restored.stdout) as { id: string; name: string; poolId: string };
    assert.equal(vm.name, 'web01-copy');
    assert.equal(vm.poolId, f.lab.store.all('ServerPool')[0].id.value);
    assert.equal(f.lab.store.get<VmObj>('Vm', vm.id)?.vmDiskMappingIds.length, 2);
  });

  it('kill -9 while the clone’s disk is copied: cleanup --dry-run says what, cleanup deletes the clone, its disk and the .part, never the user’s VM', async () => {
    await setUp(256 * 1024 * 1024);
    const db = f.lab.store.vmByName(SEED.stopped);
    const run = startCli(ws, ['backup', SEED.stopped, '--clone-repository', SEED.backupRepository], OVM_PASSWORD);
    const killed = await killWhen(
      run,
      () => fs.existsSync(f.repo) && repositoryLeftovers(f.repo).some((l) => l.startsWith('part file')),
    );
    assert.ok(killed, 'killed while the disk streamed');
    assert.equal(vmNames().length, 4, 'the clone is left by the kill');
    const dry = await cli(['cleanup', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete: clone "db01\.0"/m);
    assert.equal(vmNames().length, 4, 'a dry run deletes nothing');
    const real = await cli(['cleanup']);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^deleted: clone "db01\.0" .*the Manager's clone job of that entry created it/m);
    assert.match(real.stdout, /^deleted: virtual disk /m);
    assert.deepEqual(vmNames(), [SEED.hostile, SEED.stopped, SEED.running].sort());
    assert.equal(f.lab.store.vmByName(SEED.stopped).vmDiskMappingIds.length, db.vmDiskMappingIds.length);
    assert.deepEqual(filesUnder(f.repoFolder(SEED.backupRepository)), []);
    assert.deepEqual(repositoryLeftovers(f.repo), []);
    assert.deepEqual(filesUnder(f.repo), []);
  });

  it('backup --method ova-export: the trade-off first, the Manager CLI exports the stopped VM, one .ova in the backup; kill -9 while the .ova is copied, then cleanup deletes the appliance and the .part', async () => {
    await setUp(96 * 1024 * 1024);
    const ok = await cli([
      'backup',
      SEED.stopped,
      '--method',
      'ova-export',
      '--clone-repository',
      SEED.backupRepository,
      '--json',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^Export as a virtual appliance \(OVA\): /);
    const entry = JSON.parse(ok.stdout) as { files: { name: string }[] };
    assert.deepEqual(
      entry.files.map((x) => /\.ova$/.test(x.name)),
      [true],
    );
    assert.deepEqual([...f.lab.appliances.appliances.values()], [], 'the appliance deleted');
    const assemblies = path.join(f.repoFolder(SEED.backupRepository), 'Assemblies');
    const run = startCli(
      ws,
      ['backup', SEED.stopped, '--method', 'ova-export', '--clone-repository', SEED.backupRepository],
      OVM_PASSWORD,
    );
    const killed = await killWhen(
      run,
      () => fs.existsSync(f.repo) && repositoryLeftovers(f.repo).some((l) => l.startsWith('part file')),
    );
    assert.ok(killed, 'killed while the .ova streamed');
    assert.equal(f.lab.appliances.appliances.size, 1, 'the kill leaves the appliance');
    const dry = await cli(['cleanup', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete: virtual appliance "vmbackup-[A-Za-z0-9_-]+"/m);
    assert.equal(f.lab.appliances.appliances.size, 1, 'a dry run deletes nothing');
    const real = await cli(['cleanup']);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^deleted: virtual appliance "vmbackup-/m);
    assert.equal(f.lab.appliances.appliances.size, 0);
    assert.deepEqual(filesUnder(assemblies), []);
    assert.deepEqual(repositoryLeftovers(f.repo), []);
  });
});
