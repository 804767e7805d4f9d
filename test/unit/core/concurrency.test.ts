import { strict as assert } from 'node:assert';
import { concurrencyPerHost } from '../../../src/core/concurrency';
import { JobManager } from '../../../src/core/jobManager';
import { ConnectionProfile } from '../../../src/core/model';
import { capabilitiesOf } from '../../../src/providers';

const profile = (platform: ConnectionProfile['platform'], concurrency?: number): ConnectionProfile => ({
  name: 'c',
  platform,
  url: 'https://h',
  username: 'u',
  ...(concurrency ? { concurrencyPerHost: concurrency } : {}),
});

const limit = (p: ConnectionProfile) => concurrencyPerHost(p, capabilitiesOf(p));

describe('concurrency per host', () => {
  it("vSphere defaults to 4 (the seed's advice), Xen to the job manager's default, a configured value wins", () => {
    assert.equal(limit(profile('vmware')), 4);
    assert.equal(limit(profile('xen')), undefined);
    assert.equal(limit(profile('vmware', 7)), 7);
    assert.equal(concurrencyPerHost(undefined, undefined), undefined);
  });

  it('the job manager runs 4 jobs at once on one vSphere host and queues the fifth', async () => {
    const jobs = new JobManager();
    const release: Array<() => void> = [];
    let running = 0;
    const body = () =>
      new Promise<void>((resolve) => {
        running++;
        release.push(() => {
          running--;
          resolve();
        });
      });
    const runs = Array.from({ length: 5 }, (_, i) =>
      jobs.run(`backup ${i}`, 'backup-vm', {}, 'vc/host-1', body, limit(profile('vmware'))),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(running, 4);
    release.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.equal(running, 4, 'the fifth starts when one ends');
    while (release.length) release.shift()!();
    await Promise.all(runs.map((r) => r.done));
  });
});
