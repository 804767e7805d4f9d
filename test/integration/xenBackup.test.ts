import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, LAB_PASSWORD, ctx, filesBelow, startFixture } from './labFixture';
import { BackupRepository } from '../../src/core/repository';
import { JobManager } from '../../src/core/jobManager';
import { readTarEntryNames } from './tarNames';

describe('Xen provider: VM backup and restore (XAPI lab)', function () {
  this.timeout(120_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  const tempSnapshots = () =>
    [...f.lab.store.table('VM').values()].filter((v) => v.is_a_snapshot && v.other_config?.['vmbackup:temporary']);

  it('backs up a halted VM: a real XVA, hashed, with a manifest the catalog shows and verify accepts', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    assert.equal(entry.kind, 'vm');
    assert.equal(entry.vmUuid, vm.uuid);
    assert.equal(entry.manifest?.viaSnapshot, false);
    const xva = path.join(entry.dir, entry.files[0].name);
    const names = await readTarEntryNames(xva);
    assert.equal(names[0], 'ova.xml');
    assert.ok(names.some((n) => /^Ref:\d+\/00000000$/.test(n)) && names.some((n) => n.endsWith('.xxhash')));
    assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
    assert.equal(new BackupRepository(f.repo).list()[0].dir, entry.dir);
    assert.ok(f.progress.some((p) => p.bytesDone > 0));
  });

  it('backs up a running VM through a temporary snapshot and deletes it afterwards', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    assert.equal(entry.manifest?.viaSnapshot, true);
    assert.ok(f.lab.requests.includes('VM.snapshot') || f.lab.requests.includes('Async.VM.snapshot'));
    assert.deepEqual(tempSnapshots(), []);
    assert.equal((await f.provider.listSnapshots(vm.id)).length, vm.snapshotCount);
  });

  it('a cancelled backup leaves no .part, no directory, no temporary snapshot, and a cancelled job', async () => {
    f.lab.faults.stallExportAtByte = 3 * 1024 * 1024;
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const jobs = new JobManager();
    const { job, done } = jobs.run('backup', 'backup', { vm: vm.name }, 'h', (c) =>
      f.provider.backupVm(vm.id, { repository: f.repo }, c),
    );
    const t = setInterval(() => {
      if ((job.record.progress?.bytesDone ?? 0) > 0) job.cancel();
    }, 20);
    await assert.rejects(done);
    clearInterval(t);
    assert.equal(job.state, 'cancelled');
    assert.deepEqual(filesBelow(f.repo), []);
    assert.deepEqual(fs.readdirSync(f.repo), [], 'not even the VM folder of its first backup');
    assert.deepEqual(tempSnapshots(), []);
  });

  it("an export (no Content-Length) reports the XAPI task's progress as its fraction while the bytes stream", async () => {
    f.lab.faults.stallExportAtByte = 3 * 1024 * 1024;
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const jobs = new JobManager();
    const { job, done } = jobs.run('backup', 'backup', { vm: vm.name }, 'h', (c) =>
      f.provider.backupVm(vm.id, { repository: f.repo }, c),
    );
    const seen: Array<{ bytesDone: number; fraction?: number; bytesTotal?: number }> = [];
    const t = setInterval(() => {
      const p = job.record.progress;
      if (p) seen.push(p);
      if (p?.fraction !== undefined && p.fraction > 0) job.cancel();
    }, 20);
    await assert.rejects(done);
    clearInterval(t);
    const withFraction = seen.filter((p) => p.fraction !== undefined && p.fraction > 0);
    assert.ok(withFraction.length > 0, 'a fraction was reported');
    assert.ok(withFraction.every((p) => p.bytesTotal === undefined && p.fraction! < 1 && p.bytesDone > 0));
    assert.ok(f.lab.requests.includes('task.get_progress'));
  });

  it('a connection reset at a random offset never leaves a backup that looks complete', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    for (const at of [1, 700_000, 1_048_576 + 512, 5_000_003]) {
      f.lab.faults.resetExportAtByte = at;
      await assert.rejects(f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f)));
      assert.deepEqual(filesBelow(f.repo), [], `after a reset at byte ${at}`);
      assert.deepEqual(new BackupRepository(f.repo).list(), []);
    }
  });

  it('a task failure after the stream ended discards the file (the task is the verdict)', async () => {
    f.lab.faults.failNextTask = {
      method: 'VM.export',
      error: ['SR_BACKEND_FAILURE_47', '', 'The SR is not available'],
    };
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const err = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f)).then(
      () => undefined,
      (e) => e,
    );
    assert.match(String(err?.message), /SR_BACKEND_FAILURE_47/);
    assert.deepEqual(filesBelow(f.repo), []);
  });

  it('restores a backup as a new VM on the chosen SR, keeping MACs when asked', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    const sr = (await f.provider.listStorage()).find((s) => !s.isDefault)!;
    const restored = await f.provider.restoreVm(
      entry,
      { name: `${vm.name} (restored)`, storageId: sr.id, mode: 'keepMacs' },
      ctx(f),
    );
    assert.notEqual(restored.uuid, vm.uuid);
    assert.equal(restored.name, `${vm.name} (restored)`);
    assert.equal(restored.powerState, 'halted');
    assert.ok((await f.provider.listVms()).some((v) => v.uuid === restored.uuid));
    assert.ok(f.lab.requests.includes('PUT /import'));
  });

  it('gives hostile VM names a safe directory inside the repository', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const nasty = `../../$(touch pwned)/"q" 'x';\`id\``;
    await f.provider.xapi.call('VM.set_name_label', vm.id, nasty);
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    assert.ok(entry.dir.startsWith(f.repo + path.sep));
    for (const p of filesBelow(f.repo)) assert.ok(!/[$`"';]|\.\./.test(p), p);
    assert.equal(entry.vmName, nasty, 'the manifest keeps the real name');
    assert.ok(!fs.existsSync(path.join(f.repo, '..', 'pwned')));
  });

  it('never writes the password to logs, job records, manifests or the lab request log', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const jobs = new JobManager();
    await jobs.run('backup', 'backup', {}, 'h', (c) => f.provider.backupVm(vm.id, { repository: f.repo }, c)).done;
    const haystack = [
      JSON.stringify(jobs.finished),
      f.logs.join('\n'),
      f.lab.requests.join('\n'),
      ...filesBelow(f.repo)
        .filter((p) => p.endsWith('.json'))
        .map((p) => fs.readFileSync(path.join(f.repo, p), 'utf8')),
    ].join('\n');
    assert.ok(!haystack.includes(LAB_PASSWORD));
  });
});
