import { strict as assert } from 'node:assert';
import { Fixture, ctx, filesBelow, startFixture } from './labFixture';
import { JobManager } from '../../src/core/jobManager';

describe('A stalled export or XAPI task fails, with the task cancelled and the temporary snapshot deleted', function () {
  this.timeout(60_000);
  let f: Fixture;
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  const tempSnapshots = () =>
    [...f.lab.store.table('VM').values()].filter((v) => v.is_a_snapshot && v.other_config?.['vmbackup:temporary']);
  const tasks = (label: RegExp) => [...f.lab.store.table('task').values()].filter((t) => label.test(t.name_label));

  it('an export that stops sending (connection open) fails on the idle limit, naming the stream and the limit', async () => {
    f = await startFixture({}, { idleTimeoutSeconds: 0.5 });
    f.lab.faults.stallExportAtByte = 3 * 1024 * 1024;
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const jobs = new JobManager();
    const { job, done } = jobs.run('backup', 'backup', { vm: vm.name }, 'h', (c) =>
      f.provider.backupVm(vm.id, { repository: f.repo }, c),
    );
    const err = await done.then(
      () => undefined,
      (e: Error) => e,
    );
    assert.equal(job.state, 'failed');
    assert.match(
      String(err?.message),
      new RegExp(
        `^connection "lab", host "[^"]+", VM "${vm.name}": ERR_STREAM_STALLED GET /export from http://127\\.0\\.0\\.\\d:\\d+: no data moved for 0\\.5 s \\(the connection's idleTimeoutSeconds\\)$`,
      ),
    );
    assert.equal(job.record.error?.message, err?.message);
    assert.deepEqual(tempSnapshots(), [], 'the temporary snapshot was deleted');
    assert.deepEqual(tasks(/^vmbackup \/export$/), [], 'the export task was cancelled and destroyed');
    assert.ok(f.lab.requests.includes('task.cancel'));
    assert.deepEqual(filesBelow(f.repo), []);
  });

  it('an XAPI task that never ends is cancelled at the task deadline and the job fails naming it', async () => {
    f = await startFixture({}, { taskDeadlineMinutes: 0.01 });
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    // From now on every task of the lab takes hours: the snapshot of the backup never completes.
    await f.provider.disconnect();
    await f.lab.close();
    f = await startFixture({ taskStepMs: 3_600_000 }, { taskDeadlineMinutes: 0.01 });
    const err = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f)).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(
      String(err?.message),
      new RegExp(
        `^connection "lab", host "[^"]+", VM "${vm.name}": TASK_DEADLINE_EXCEEDED XAPI task "Async\\.VM\\.snapshot" still pending after 0\\.01 min \\(the connection's taskDeadlineMinutes\\): cancelled it$`,
      ),
    );
    const snap = tasks(/^Async\.VM\.snapshot$/);
    assert.ok(
      snap.every((t) => t.status === 'cancelled'),
      'cancelled (or destroyed)',
    );
    assert.deepEqual(tempSnapshots(), []);
    assert.deepEqual(filesBelow(f.repo), []);
  });
});
