import { strict as assert } from 'node:assert';
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { saveConnections } from '../../src/core/connections';
import { Journal } from '../../src/core/journal';
import { BackupRepository } from '../../src/core/repository';
import { readInventory, readVm } from '../../src/providers/vmware/vmwareInventory';
import { createSnapshot } from '../../src/providers/vmware/vmwareSnapshots';
import { flattenSnapshots } from '../../src/providers/vmware/vmwareRecords';
import { incompleteStored, killWhen, partFiles, repositoryLeftovers, startCli } from './crashRun';
import { runCli } from './cliRun';
import { VCSIM_PASSWORD, VmwareFixture, vcsimConnection, vcsimSuite } from './vmwareFixture';
import { tempDir } from '../tempDir';

describe('vSphere backup killed with SIGKILL: Clean Up or the next run removes what it left (vcsim, CLI)', function () {
  const fixture = vcsimSuite(this, { vm: 3 });
  let f: VmwareFixture;
  let ws: string;
  let repo: string;
  const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD: VCSIM_PASSWORD } });
  const cli = (args: string[]) => startCli(ws, args, VCSIM_PASSWORD);
  const vmNamed = async (name: string) => (await readInventory(f.client)).vms.find((v) => v.name === name)!;
  const snapshots = async (vmId: string) => flattenSnapshots((await readVm(f.client, vmId)).snapshots);
  /** A disk large enough that the kill lands while it streams. */
  const bigDisk = async (name: string, mib: number) => {
    const inv = await readInventory(f.client);
    fs.writeFileSync(path.join(inv.datastores[0].url!, name, 'disk1-flat.vmdk'), randomBytes(mib << 20));
  };

  beforeEach(() => {
    f = fixture();
    ws = tempDir('vmbackup-ws-vc-crash-');
    repo = path.join(ws, 'backups');
    saveConnections(ws, [vcsimConnection(f.sim, 'backups')]);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('killed right after the snapshot was made: cleanup --dry-run lists it, cleanup removes it and the folder, a user snapshot stays', async () => {
    const vm = await vmNamed('DC0_H0_VM0');
    await createSnapshot(f.client, vm.id, { name: 'user', memory: false, quiesce: false });
    await bigDisk(vm.name, 32);
    const run = cli(['backup', vm.name]);
    const killed = await killWhen(run, () =>
      new Journal(repo).list().entries.some((e) => e.state === 'created' && e.folderMade),
    );
    assert.ok(killed, `the CLI was killed (it ended: ${(await run.exited).stderr})`);
    const left = (await snapshots(vm.id)).map((s) => s.name);
    assert.equal(left.length, 2, `the temporary snapshot is left by the kill: ${left.join(', ')}`);

    const { stdout: dry } = await vmb(['cleanup', '--dry-run']);
    assert.match(dry, /^would delete: snapshot "vmbackup-temp [^"]+" \(snapshot-\d+\) of VM "DC0_H0_VM0"/m);
    assert.equal((await snapshots(vm.id)).length, 2, 'a dry run deletes nothing');

    const { stdout } = await vmb(['cleanup']);
    assert.match(stdout, /^deleted: snapshot "vmbackup-temp /m);
    assert.deepEqual(
      (await snapshots(vm.id)).map((s) => s.name),
      ['user'],
    );
    assert.deepEqual(repositoryLeftovers(repo), []);
    assert.deepEqual(await incompleteStored(repo), []);
  });

  it('killed mid-download at a random offset: cleanup removes the snapshot, the .part and the folders it made', async () => {
    const vm = await vmNamed('DC0_H0_VM1');
    await bigDisk(vm.name, 64);
    const at = randomInt(1 << 20, 48 << 20);
    const run = cli(['backup', vm.name]);
    const killed = await killWhen(run, () => partFiles(repo).some((p) => p.bytes >= at));
    assert.ok(killed, `the CLI was killed mid-download (it ended: ${(await run.exited).stderr})`);
    assert.ok(partFiles(repo).length > 0, 'a .part is left by the kill');
    assert.equal((await snapshots(vm.id)).length, 1, 'the temporary snapshot is left by the kill');

    const { stdout } = await vmb(['cleanup']);
    assert.match(stdout, /^deleted: snapshot "vmbackup-temp /m);
    assert.match(stdout, /^deleted: file .*disk1-flat\.vmdk\.part/m);
    assert.deepEqual(await snapshots(vm.id), []);
    assert.deepEqual(repositoryLeftovers(repo), []);
    assert.deepEqual(fs.readdirSync(repo), [], 'not even the VM folder or the journal');
  });

  it('killed mid-download, then the next backup: it removes the leftovers first and leaves one complete backup', async () => {
    const vm = await vmNamed('DC0_C0_RP0_VM0');
    await bigDisk(vm.name, 64);
    const at = randomInt(1 << 20, 48 << 20);
    const run = cli(['backup', vm.name]);
    assert.ok(await killWhen(run, () => partFiles(repo).some((p) => p.bytes >= at)));
    assert.equal((await snapshots(vm.id)).length, 1);

    const { stdout } = await vmb(['backup', vm.name, '--json']);
    const entry = JSON.parse(stdout) as { id: string };
    assert.deepEqual(await snapshots(vm.id), [], "the killed run's snapshot and this run's are gone");
    assert.deepEqual(repositoryLeftovers(repo), []);
    assert.deepEqual(await incompleteStored(repo), []);
    assert.deepEqual(
      new BackupRepository(repo).list().map((e) => e.id),
      [entry.id],
    );
  });
});
