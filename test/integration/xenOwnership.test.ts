import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, LAB_PASSWORD, ctx, startFixture } from './labFixture';
import { JobManager } from '../../src/core/jobManager';
import { Journal, journalDir } from '../../src/core/journal';
import { saveConnections } from '../../src/core/connections';
import { attachDisk } from '../lab/xapi/records';
import { BackupRepository } from '../../src/core/repository';
import {
  CLI,
  incompleteStored,
  killWhen,
  newObjects,
  poolObjects,
  repositoryLeftovers,
  startCli,
  tasksSettled,
  touchedObjects,
} from './crashRun';
import { tempDir } from '../tempDir';

const snapshotsOf = (f: Fixture, vmRef: string) =>
  [...f.lab.store.table('VM')].filter(([, v]) => v.is_a_snapshot && v.snapshot_of === vmRef);
const runningWithDisks = (f: Fixture, n: number) =>
  [...f.lab.store.table('VM')].find(
    ([, v]) => v.power_state === 'Running' && !v.is_control_domain && (v.VBDs as string[]).length === n,
  )!;

describe('Xen ownership: the journal decides what the tool may delete (XAPI lab)', function () {
  this.timeout(120_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({}, { backoffSeconds: 0.02 });
  });
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  it('item 1: back up a running VM, restore it, snapshot the restored VM as xe would: Clean Up keeps that snapshot, and the restored VM carries no vmbackup:* key', async () => {
    const [vmRef] = runningWithDisks(f, 1);
    const entry = await f.provider.backupVm(vmRef, { repository: f.repo }, ctx(f));
    const restored = await f.provider.restoreVm(entry, { name: 'restored' }, ctx(f));
    const keys = Object.keys(f.lab.store.must('VM', restored.id).other_config).filter((k) => k.startsWith('vmbackup:'));
    assert.deepEqual(keys, [], "the tool's keys of the exported snapshot are stripped from the restored VM");
    // What xe vm-snapshot / XenCenter do: VM.snapshot, nothing else. XAPI copies other_config into the snapshot.
    const [userSnap] = await f.provider.xapi.callAsync('VM.snapshot', [restored.id, 'before patching']);
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.ok(f.lab.store.table('VM').has(userSnap), "the user's snapshot is still there");
    assert.ok(!items.some((i) => i.action === 'deleted'), JSON.stringify(items));
  });

  it('item 1: a VM that already carries vmbackup:temporary (restored by an older version) — its user snapshots are never deleted by Clean Up', async () => {
    const [vmRef, vm] = runningWithDisks(f, 1);
    vm.other_config['vmbackup:temporary'] = 'true';
    vm.other_config['vmbackup:created-by'] = 'vm-backup-explorer';
    const [userSnap] = await f.provider.xapi.callAsync('VM.snapshot', [vmRef, 'user snapshot']);
    assert.equal(
      f.lab.store.must('VM', userSnap).other_config['vmbackup:temporary'],
      'true',
      'XAPI copied the key into the snapshot',
    );
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.ok(f.lab.store.table('VM').has(userSnap));
    assert.deepEqual(
      items.map((i) => i.action),
      ['kept'],
    );
  });

  it("item 2: a VM that carries the tool's keys is backed up, and no snapshot leaks (no MAP_DUPLICATE_KEY)", async () => {
    const [vmRef, vm] = runningWithDisks(f, 1);
    vm.other_config['vmbackup:temporary'] = 'true';
    vm.other_config['vmbackup:created-by'] = 'vm-backup-explorer';
    const before = snapshotsOf(f, vmRef).length;
    const vdis = f.lab.store.table('VDI').size;
    const entry = await f.provider.backupVm(vmRef, { repository: f.repo }, ctx(f));
    assert.equal(entry.manifest?.viaSnapshot, true);
    assert.equal(snapshotsOf(f, vmRef).length, before, 'the temporary snapshot is gone');
    assert.equal(f.lab.store.table('VDI').size, vdis, 'and its disks');
    assert.deepEqual(repositoryLeftovers(f.repo), []);
  });

  it('item 2: whatever fails after VM.snapshot returned, the snapshot and its disks are destroyed', async () => {
    const [vmRef] = runningWithDisks(f, 2);
    const before = snapshotsOf(f, vmRef).length;
    const vdis = f.lab.store.table('VDI').size;
    f.lab.faults.httpStatus = { path: '/export', status: 500 };
    await assert.rejects(f.provider.backupVm(vmRef, { repository: f.repo }, ctx(f)));
    assert.equal(snapshotsOf(f, vmRef).length, before);
    assert.equal(f.lab.store.table('VDI').size, vdis);
    assert.deepEqual(repositoryLeftovers(f.repo), []);
  });

  it('item 4: VDI_IN_USE on one disk — retried, the other disk deleted, the job succeeded with warnings naming the disk, and Clean Up removes it later', async () => {
    const [vmRef] = runningWithDisks(f, 2);
    const vdis = f.lab.store.table('VDI').size;
    const [, appliance] = [...f.lab.store.table('VM')].find(
      ([r, v]) => v.power_state === 'Halted' && !v.is_a_template && r !== vmRef,
    )!;
    const applianceRef = [...f.lab.store.table('VM')].find(([, v]) => v === appliance)![0];
    // A backup appliance hot-adds the first disk of the temporary snapshot as soon as it exists (XAPI then answers VDI_IN_USE).
    let held: { vdi: string; vbd: string } | undefined;
    const t = setInterval(() => {
      const snap = snapshotsOf(f, vmRef).find(([, v]) => String(v.name_label).startsWith('vmbackup-temp'));
      if (held || !snap) return;
      const vbd = f.lab.store.must('VBD', snap[1].VBDs[0]);
      held = { vdi: vbd.VDI, vbd: attachDisk(f.lab.store, applianceRef, vbd.VDI, '7') };
    }, 1);
    const jobs = new JobManager();
    const { job, done } = jobs.run('backup', 'backup', {}, 'h', (c) =>
      f.provider.backupVm(vmRef, { repository: f.repo }, c),
    );
    await done;
    clearInterval(t);
    assert.ok(held, 'the appliance took the disk');
    assert.equal(job.state, 'succeeded-with-warnings');
    const heldUuid = f.lab.store.must('VDI', held.vdi).uuid;
    assert.equal(job.record.warnings?.length, 1);
    assert.match(job.record.warnings![0], new RegExp(`${heldUuid}.*VDI_IN_USE`));
    assert.equal(
      f.lab.store.table('VDI').size,
      vdis + 1,
      "only the held disk is left: the snapshot's other disk is deleted",
    );
    assert.equal(
      f.lab.requests.filter((r) => r === 'Async.VDI.destroy').length,
      3 + 1 + 1,
      'four attempts on the held disk, one on the other',
    );
    const { entries } = new Journal(f.repo).list();
    assert.deepEqual(
      entries.map((e) => [e.state, e.disks.map((d) => d.uuid)]),
      [['leftover', [heldUuid]]],
    );
    // The appliance lets go; Clean Up deletes what the journal kept.
    f.lab.store.must('VDI', held.vdi).VBDs = [];
    appliance.VBDs = appliance.VBDs.filter((b: string) => b !== held!.vbd);
    f.lab.store.remove('VBD', held.vbd);
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.deepEqual(
      items.map((i) => [i.action, i.what.includes(heldUuid)]),
      [['deleted', true]],
    );
    assert.equal(f.lab.store.table('VDI').size, vdis);
    assert.ok(!fs.existsSync(journalDir(f.repo)), 'the journal is empty again');
  });

  it('item 4: one transient VDI_IN_USE is retried and the job is a plain success', async () => {
    const [vmRef] = runningWithDisks(f, 2);
    const vdis = f.lab.store.table('VDI').size;
    f.lab.faults.failNextTask = { method: 'VDI.destroy', error: ['VDI_IN_USE', 'OpaqueRef:x', 'destroy'] };
    const jobs = new JobManager();
    const { job, done } = jobs.run('backup', 'backup', {}, 'h', (c) =>
      f.provider.backupVm(vmRef, { repository: f.repo }, c),
    );
    await done;
    assert.equal(job.state, 'succeeded');
    assert.equal(f.lab.store.table('VDI').size, vdis);
  });

  it('item 5: Clean Up skips a snapshot another job is exporting (OTHER_OPERATION_IN_PROGRESS), goes on, one line per item', async () => {
    const [vmRef, vm] = runningWithDisks(f, 1);
    const journal = new Journal(f.repo);
    const made: string[] = [];
    for (const n of [0, 1]) {
      const e = await journal.begin(
        { connection: 'lab', platform: 'xen', vm: { id: vmRef, uuid: vm.uuid, name: vm.name_label }, before: [] },
        (m) => `vmbackup-temp ${n} ${m}`,
      );
      const [ref] = await f.provider.xapi.callAsync('VM.snapshot', [vmRef, e.name]);
      await journal.update(e, { state: 'created', created: { id: ref, uuid: f.lab.store.must('VM', ref).uuid } });
      journal.release(e); // as if its process had died
      made.push(ref);
    }
    f.lab.store.must('VM', made[0]).current_operations['OpaqueRef:export-task'] = 'export';
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    const lines = items.filter((i) => i.what.startsWith('snapshot'));
    assert.deepEqual(
      lines.map((i) => i.action),
      ['skipped', 'deleted'],
    );
    assert.match(lines[0].why, /OTHER_OPERATION_IN_PROGRESS/);
    assert.ok(f.lab.store.table('VM').has(made[0]) && !f.lab.store.table('VM').has(made[1]));
    assert.ok(f.logs.filter((l) => /^(deleted|skipped): snapshot/.test(l)).length === 2, 'one log line per item');
    delete f.lab.store.must('VM', made[0]).current_operations['OpaqueRef:export-task'];
    const again = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.deepEqual(
      again.filter((i) => i.what.startsWith('snapshot')).map((i) => i.action),
      ['deleted'],
      'the next cleanup takes the one it skipped',
    );
    assert.ok(!f.lab.store.table('VM').has(made[0]));
  });

  it('Clean Up never deletes a snapshot the journal names whose uuid the pool shows as something else (not a snapshot, or older than the intent)', async () => {
    const [vmRef, vm] = runningWithDisks(f, 1);
    const [older] = await f.provider.xapi.callAsync('VM.snapshot', [vmRef, 'older user snapshot']);
    const olderUuid = f.lab.store.must('VM', older).uuid;
    const journal = new Journal(f.repo);
    const e = await journal.begin({
      connection: 'lab',
      platform: 'xen',
      vm: { id: vmRef, uuid: vm.uuid, name: vm.name_label },
      before: [olderUuid],
    });
    await journal.update(e, { state: 'created', created: { id: older, uuid: olderUuid } });
    journal.release(e);
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.ok(f.lab.store.table('VM').has(older));
    assert.deepEqual(
      items.map((i) => i.action),
      ['kept'],
    );
    assert.match(items[0].why, /existed before the job began/);
  });

  it("Clean Up leaves a running job's entry alone", async () => {
    const [vmRef, vm] = runningWithDisks(f, 1);
    const journal = new Journal(f.repo);
    const e = await journal.begin(
      { connection: 'lab', platform: 'xen', vm: { id: vmRef, uuid: vm.uuid, name: vm.name_label }, before: [] },
      (m) => `vmbackup-temp ${m}`,
    );
    const [ref] = await f.provider.xapi.callAsync('VM.snapshot', [vmRef, e.name]);
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.ok(f.lab.store.table('VM').has(ref));
    assert.match(items[0].why, /still running/);
    journal.release(e);
  });
});

describe('Xen ownership: kill -9 during a backup (CLI child process against the lab)', function () {
  this.timeout(180_000);
  let f: Fixture;
  let ws: string;
  let repo: string;
  beforeEach(async () => {
    f = await startFixture({ taskStepMs: 20 });
    ws = tempDir('vmbackup-kill-');
    repo = path.join(ws, 'backups');
    saveConnections(ws, [
      { name: 'lab', platform: 'xen', url: f.lab.url, username: 'root', repository: 'backups', maxRetries: 0 },
    ]);
  });
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  const crash = async (vmUuid: string, when: () => boolean): Promise<void> => {
    assert.ok(fs.existsSync(CLI), 'npm run build first');
    const killed = await killWhen(startCli(ws, ['backup', vmUuid], LAB_PASSWORD), when);
    assert.ok(killed, 'the child was killed at the aimed point');
    await tasksSettled(f.lab);
  };

  for (const point of [
    'right after the snapshot is created',
    'right after the snapshot record is destroyed (its disks still there)',
    'while the export streams',
  ] as const) {
    it(`item 3: killed ${point} — Clean Up (the CLI verb) leaves nothing behind and touches no user object; --dry-run says what and why`, async () => {
      const [vmRef, vm] = runningWithDisks(f, 2);
      const before = poolObjects(f.lab);
      let sawSnapshot = false;
      await crash(vm.uuid, () => {
        const snap = snapshotsOf(f, vmRef).find(([, v]) => String(v.name_label).startsWith('vmbackup-temp'));
        if (snap) sawSnapshot = true;
        if (point.startsWith('right after the snapshot is created')) return !!snap;
        if (point.startsWith('right after the snapshot record')) return sawSnapshot && !snap;
        return fs.existsSync(repo) && repositoryLeftovers(repo).some((l) => l.startsWith('part file'));
      });
      assert.ok(
        newObjects(before, f.lab).length > 0 || repositoryLeftovers(repo).length > 0,
        'the crash left something',
      );
      const dry = startCli(ws, ['cleanup', '--dry-run'], LAB_PASSWORD);
      const d = await dry.exited;
      assert.equal(d.code, 0, d.stderr);
      assert.match(d.stdout, /^would delete: /m);
      assert.match(d.stdout, /journal entry [0-9a-f-]{36}/);
      if (!point.startsWith('while')) assert.match(d.stdout, /the pool confirms/);
      const left = newObjects(before, f.lab).length;
      assert.ok(left > 0 || point.startsWith('while'), 'a dry run deletes nothing');
      const real = await startCli(ws, ['cleanup'], LAB_PASSWORD).exited;
      assert.equal(real.code, 0, real.stdout + real.stderr);
      assert.match(real.stdout, /^deleted: /m);
      assert.deepEqual(newObjects(before, f.lab), [], 'no temporary snapshot or disk left');
      assert.deepEqual(touchedObjects(before, f.lab), [], 'no user object touched');
      assert.deepEqual(repositoryLeftovers(repo), [], 'no .part, no empty folder, no journal entry');
      assert.deepEqual(await incompleteStored(repo), []);
    });
  }

  it('item 3: a pool database backup killed while its dump streams — Clean Up removes its .part and its folder, and only those', async () => {
    f.lab.faults.stallDbDump = true;
    const killed = await killWhen(
      startCli(ws, ['backup-pool'], LAB_PASSWORD),
      () => fs.existsSync(repo) && repositoryLeftovers(repo).some((l) => l.startsWith('part file')),
    );
    assert.ok(killed, 'killed while the dump streamed');
    f.lab.faults.stallDbDump = false;
    const complete = await startCli(ws, ['backup-pool'], LAB_PASSWORD).exited;
    assert.equal(complete.code, 0, complete.stderr);
    const real = await startCli(ws, ['cleanup'], LAB_PASSWORD).exited;
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^deleted: file .*pool-database\.xml\.part/m);
    assert.deepEqual(repositoryLeftovers(repo), [], 'no .part, no empty folder, no journal entry');
    assert.equal(
      new BackupRepository(repo).list().filter((e) => e.kind === 'pool-metadata').length,
      1,
      'the complete dump stays',
    );
  });

  it('item 3: the next backup run removes what a killed run left', async () => {
    const [vmRef, vm] = runningWithDisks(f, 2);
    const before = poolObjects(f.lab);
    await crash(vm.uuid, () => snapshotsOf(f, vmRef).some(([, v]) => String(v.name_label).startsWith('vmbackup-temp')));
    assert.ok(newObjects(before, f.lab).length > 0);
    const next = await startCli(ws, ['backup', vm.uuid], LAB_PASSWORD).exited;
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /leftover of an earlier run: deleted: snapshot/);
    assert.deepEqual(newObjects(before, f.lab), []);
    assert.deepEqual(touchedObjects(before, f.lab), []);
    assert.deepEqual(repositoryLeftovers(repo), []);
  });
});
