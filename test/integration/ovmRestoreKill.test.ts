// An Oracle VM restore killed (SIGKILL, the CLI in a child process): its journal entry, written before anything went
// onto the repository, lets `vmbackup cleanup` find and remove exactly what it left — the disk images and the VM's
// folder and vm.cfg over SFTP, and the VM and disks the Manager's refresh imported from them — and nothing else
// (REST lab + OpenSSH peer as Oracle VM Server and Manager CLI).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEED } from '../lab/ovm';
import { VmObj } from '../lab/ovm/model';
import { saveConnections } from '../../src/core/connections';
import { JobContext } from '../../src/core/job';
import { CLI, CliRun, killWhen, repositoryLeftovers, startCli } from './crashRun';
import { OVM_PASSWORD, OvmFixture, filesUnder, startOvmFixture } from './ovmFixture';

const quiet: JobContext = {
  signal: new AbortController().signal,
  log: () => undefined,
  progress: () => undefined,
  warn: () => undefined,
};

describe('Oracle VM restore killed (SIGKILL): Clean Up removes exactly what it left (child process, REST lab, OpenSSH peer)', function () {
  this.timeout(300_000);
  let f: OvmFixture;
  let ws: string;
  let backup: string;
  const cli = (args: string[]) => startCli(ws, args, OVM_PASSWORD).exited;
  const vmNames = () => (f.lab.store.all('Vm') as VmObj[]).map((v) => v.name).sort();
  const diskIds = () =>
    f.lab.store
      .all('VirtualDisk')
      .map((d) => d.id.value)
      .sort();
  const repoFiles = () => filesUnder(f.repoFolder(SEED.repository));
  /** Everything the child prints, as it comes. */
  const output = (run: CliRun) => {
    const o = { text: '' };
    run.child.stdout!.on('data', (d) => (o.text += d));
    run.child.stderr!.on('data', (d) => (o.text += d));
    return o;
  };
  before(async () => {
    f = await startOvmFixture({ jobStepMs: 20 });
    ws = path.dirname(f.repo);
    saveConnections(ws, [{ ...f.profile, repository: 'backups' }]);
    assert.ok(fs.existsSync(CLI), 'npm run build first');
    const db = f.lab.store.vmByName(SEED.stopped);
    backup = (await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, quiet)).id;
  });
  afterEach(() => {
    f.lab.importFaults.refreshImports = 'all';
    f.lab.jobs.onStart = undefined;
  });
  after(async () => {
    await f?.close();
  });

  it('killed at "refreshing repository…": cleanup --dry-run lists its disk images, vm.cfg and folder; cleanup removes exactly them, keeps a file of the user’s beside them; a second cleanup finds nothing', async () => {
    f.lab.importFaults.refreshImports = 'nothing'; // whether or not the kill came before the refresh: nothing imported
    const foreign = path.join(f.repoFolder(SEED.repository), 'VirtualDisks', 'users-own.img');
    fs.writeFileSync(foreign, 'not the tool’s');
    const filesBefore = repoFiles();
    const vmsBefore = vmNames();
    const run = startCli(ws, ['restore', backup, '--storage', SEED.repository, '--name', 'killtest'], OVM_PASSWORD);
    const out = output(run);
    assert.ok(await killWhen(run, () => /refreshing repository/.test(out.text)), out.text);
    const left = repoFiles().filter((x) => !filesBefore.includes(x));
    assert.ok(left.filter((x) => /^VirtualDisks\/0004fb0000120000[0-9a-f]{16}\.img$/.test(x)).length >= 1, left.join());
    assert.equal(left.filter((x) => /^VirtualMachines\/0004fb0000060000[0-9a-f]{16}\/vm\.cfg$/.test(x)).length, 1);
    assert.match(
      fs.readFileSync(
        path.join(
          f.repoFolder(SEED.repository),
          left.find((x) => x.endsWith('vm.cfg'))!,
        ),
        'utf8',
      ),
      /killtest/,
    );

    const dry = await cli(['cleanup', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    for (const x of left)
      assert.match(dry.stdout, new RegExp(`^would delete: file \\S*/${x.replace(/\./g, '\\.')} — journal entry `, 'm'));
    const vmFolder = path.dirname(left.find((x) => x.endsWith('vm.cfg'))!);
    assert.match(dry.stdout, new RegExp(`^would delete: folder \\S*/${vmFolder} — `, 'm'));
    assert.doesNotMatch(dry.stdout, /users-own/);
    assert.deepEqual(
      repoFiles().filter((x) => !filesBefore.includes(x)),
      left,
      'a dry run removes nothing',
    );

    const real = await cli(['cleanup']);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    for (const x of left)
      assert.match(real.stdout, new RegExp(`^deleted: file \\S*/${x.replace(/\./g, '\\.')} — `, 'm'));
    assert.deepEqual(repoFiles(), filesBefore, 'exactly the restore’s files are gone, the user’s file stays');
    assert.ok(!fs.existsSync(path.join(f.repoFolder(SEED.repository), vmFolder)), 'the VM folder is gone');
    assert.equal(fs.readFileSync(foreign, 'utf8'), 'not the tool’s');
    assert.deepEqual(vmNames(), vmsBefore);
    assert.deepEqual(repositoryLeftovers(f.repo), [], 'the journal entry is completed');

    const again = await cli(['cleanup']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Nothing left behind on "ovm"\.$/m);
    fs.rmSync(foreign);
  });

  it('killed while the Manager refreshes (the refresh goes on and imports the VM): cleanup deletes that VM and its disks through the Manager, then the files; nothing of the user’s', async () => {
    const filesBefore = repoFiles();
    const vmsBefore = vmNames();
    const disksBefore = diskIds();
    let refreshing = false;
    f.lab.jobs.onStart = (job) => {
      if (job.name.startsWith('Refresh Repository')) refreshing = true;
    };
    const run = startCli(ws, ['restore', backup, '--storage', SEED.repository, '--name', 'killtest2'], OVM_PASSWORD);
    const out = output(run);
    assert.ok(await killWhen(run, () => refreshing), out.text);
    // the Manager's job runs on without the killed CLI: wait until it has imported the VM
    for (let i = 0; i < 3000 && !vmNames().includes('killtest2'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(vmNames(), [...vmsBefore, 'killtest2'].sort());
    const imported = (f.lab.store.all('Vm') as VmObj[]).find((v) => v.name === 'killtest2')!;
    assert.ok(imported.vmDiskMappingIds.length >= 1);
    const newDisks = diskIds().filter((d) => !disksBefore.includes(d));
    assert.ok(newDisks.length >= 1);

    const dry = await cli(['cleanup', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      new RegExp(`^would delete: VM "killtest2" \\(${imported.id.value}\\) — .*the Manager imported it`, 'm'),
    );
    for (const d of newDisks)
      assert.match(
        dry.stdout,
        new RegExp(`^would delete: virtual disk "[^"]*" \\(${d.replace(/\./g, '\\.')}\\) — `, 'm'),
      );
    assert.ok(vmNames().includes('killtest2'), 'a dry run deletes nothing');

    const real = await cli(['cleanup']);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^deleted: VM "killtest2" /m);
    assert.deepEqual(vmNames(), vmsBefore);
    assert.deepEqual(diskIds(), disksBefore);
    assert.deepEqual(repoFiles(), filesBefore);
    assert.deepEqual(repositoryLeftovers(f.repo), []);
    const again = await cli(['cleanup']);
    assert.match(again.stdout, /^Nothing left behind on "ovm"\.$/m);
  });
  it('never follows a symlink nor touches what the entry names outside the restore’s files: a disk image and vm.cfg swapped for symlinks, a file of the user’s in the VM folder, a path added to the entry — all kept, said why; once they are gone the next cleanup ends it', async () => {
    f.lab.importFaults.refreshImports = 'nothing';
    const filesBefore = repoFiles();
    const run = startCli(ws, ['restore', backup, '--storage', SEED.repository, '--name', 'killtest3'], OVM_PASSWORD);
    const out = output(run);
    assert.ok(await killWhen(run, () => /refreshing repository/.test(out.text)), out.text);
    const repoDir = f.repoFolder(SEED.repository);
    const left = repoFiles().filter((x) => !filesBefore.includes(x));
    const image = left.find((x) => x.startsWith('VirtualDisks/'))!;
    const cfg = left.find((x) => x.endsWith('/vm.cfg'))!;
    const outside = (n: string) => path.join(f.peer.files, n);
    fs.writeFileSync(outside('target.img'), 'the user’s image');
    fs.writeFileSync(outside('target.cfg'), 'the user’s cfg');
    fs.writeFileSync(outside('named.img'), 'named by a tampered entry');
    fs.rmSync(path.join(repoDir, image));
    fs.symlinkSync(outside('target.img'), path.join(repoDir, image));
    fs.rmSync(path.join(repoDir, cfg));
    fs.symlinkSync(outside('target.cfg'), path.join(repoDir, cfg));
    const journalDir = path.join(f.repo, '.vmbackup', 'journal');
    const [entryFile] = fs.readdirSync(journalDir).filter((n) => n.endsWith('.json'));
    const entry = JSON.parse(fs.readFileSync(path.join(journalDir, entryFile), 'utf8')) as {
      restore: { paths: string[] };
    };
    entry.restore.paths.push(outside('named.img'), `${repoDir}/VirtualDisks/../../named.img`);
    fs.writeFileSync(path.join(journalDir, entryFile), JSON.stringify(entry));

    // a dry run says the folder stays: the symlink in place of vm.cfg is not removed, so it would not be empty
    const dry = await cli(['cleanup', '--dry-run']);
    assert.match(
      dry.stdout,
      /^skipped: folder \S*\/VirtualMachines\/\w+ — .*holds what the restore did not write \("vm\.cfg"\)/m,
    );
    assert.doesNotMatch(dry.stdout, /^would delete: folder /m);
    assert.doesNotMatch(dry.stdout, /^would delete: \S+ \S*(target|named)/m);
    // then a file of the user's in the VM folder
    fs.writeFileSync(path.join(repoDir, path.dirname(cfg), 'notes.txt'), 'mine');
    const real = await cli(['cleanup']);
    assert.equal(real.code, 3, real.stdout + real.stderr); // something is left: exit 3, as for warnings
    assert.match(real.stdout, new RegExp(`^skipped: file \\S*/${image.replace(/\./g, '\\.')} — .*a symlink now`, 'm'));
    assert.match(real.stdout, new RegExp(`^skipped: file \\S*/${cfg.replace(/\./g, '\\.')} — .*a symlink now`, 'm'));
    assert.match(
      real.stdout,
      /^skipped: folder \S*\/VirtualMachines\/\w+ — .*holds what the restore did not write \((?=[^)]*"vm\.cfg")(?=[^)]*"notes\.txt")[^)]*\): left for the next cleanup$/m,
    );
    assert.equal((real.stdout.match(/^kept: file \S*named\.img — .*not one of the restore's files/gm) ?? []).length, 2);
    for (const [n, text] of [
      ['target.img', 'the user’s image'],
      ['target.cfg', 'the user’s cfg'],
      ['named.img', 'named by a tampered entry'],
    ])
      assert.equal(fs.readFileSync(outside(n), 'utf8'), text);
    assert.ok(fs.lstatSync(path.join(repoDir, image)).isSymbolicLink());
    assert.ok(fs.lstatSync(path.join(repoDir, cfg)).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(repoDir, path.dirname(cfg), 'notes.txt'), 'utf8'), 'mine');
    for (const x of left.filter((y) => y !== image && y !== cfg)) assert.ok(!fs.existsSync(path.join(repoDir, x)), x);

    // the user takes away what was theirs: the next cleanup removes the folder and ends the entry
    for (const x of [image, cfg, path.join(path.dirname(cfg), 'notes.txt')]) fs.rmSync(path.join(repoDir, x));
    const next = await cli(['cleanup']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    assert.match(next.stdout, /^deleted: folder \S*\/VirtualMachines\/\w+ — /m);
    assert.deepEqual(repoFiles(), filesBefore);
    assert.ok(!fs.existsSync(path.join(repoDir, path.dirname(cfg))));
    assert.deepEqual(repositoryLeftovers(f.repo), []);
    const again = await cli(['cleanup']);
    assert.match(again.stdout, /^Nothing left behind on "ovm"\.$/m);
    for (const n of ['target.img', 'target.cfg', 'named.img']) fs.rmSync(outside(n));
  });
});
