import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { JobManager } from '../../../src/core/jobManager';
import { VendorError } from '../../../src/core/errors';
import { registerSecret } from '../../../src/core/secrets';
import { sleep } from '../../../src/core/retry';
import { tempDir } from '../../tempDir';

describe('JobManager', () => {
  it('limits concurrency per host and runs other hosts in parallel', async () => {
    const jm = new JobManager({ concurrencyPerHost: 1 });
    let running = 0,
      peak = 0;
    const body = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(30);
      running--;
    };
    const a = jm.run('a', 't', {}, 'h1', body),
      b = jm.run('b', 't', {}, 'h1', body);
    assert.equal(b.job.state, 'queued');
    await Promise.all([a.done, b.done]);
    assert.equal(peak, 1);
    peak = 0;
    await Promise.all([jm.run('c', 't', {}, 'h1', body).done, jm.run('d', 't', {}, 'h2', body).done]);
    assert.equal(peak, 2);
  });

  it('takes a per-connection limit over the default', async () => {
    const jm = new JobManager({ concurrencyPerHost: 1 });
    let running = 0,
      peak = 0;
    const body = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(30);
      running--;
    };
    await Promise.all([1, 2, 3].map((i) => jm.run(`j${i}`, 't', {}, 'h1', body, 3).done));
    assert.equal(peak, 3);
  });

  it('cancels a running job through its AbortSignal', async () => {
    const jm = new JobManager();
    const { job, done } = jm.run('long', 't', {}, 'h', (ctx) => sleep(10_000, ctx.signal));
    setTimeout(() => job.cancel(), 20);
    await assert.rejects(done);
    assert.equal(job.state, 'cancelled');
  });

  it('records the vendor code and params verbatim and masks secrets', async () => {
    registerSecret('hunter2-secret');
    const jm = new JobManager();
    const { job, done } = jm.run('x', 't', { vm: 'web' }, 'h', async (ctx) => {
      ctx.log('login with hunter2-secret');
      throw new VendorError('VM_BAD_POWER_STATE', ['OpaqueRef:1', 'halted, suspended', 'running'], {
        connection: 'lab',
        vm: 'web',
      });
    });
    await assert.rejects(done);
    assert.equal(job.state, 'failed');
    assert.equal(job.record.error?.code, 'VM_BAD_POWER_STATE');
    assert.deepEqual(job.record.error?.params, ['OpaqueRef:1', 'halted, suspended', 'running']);
    assert.match(job.record.error!.message, /connection "lab", VM "web": VM_BAD_POWER_STATE/);
    assert.ok(!JSON.stringify(job.record).includes('hunter2-secret'));
  });

  it('persists finished jobs and reloads them', async () => {
    const file = path.join(tempDir('jobs-'), 'history.json');
    const jm = new JobManager({ historyFile: file });
    await jm.run('kept', 't', {}, 'h', async () => 42).done;
    const again = new JobManager({ historyFile: file });
    assert.equal(again.finished[0].title, 'kept');
    assert.equal(again.finished[0].state, 'succeeded');
    assert.equal(again.finished[0].result, 42);
  });
});
