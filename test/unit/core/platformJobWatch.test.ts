// The platforms' own job lists are listed only while the Jobs view is visible; a failed listing keeps the last jobs
// with the error; connections come and go with the sources.
import { strict as assert } from 'node:assert';
import { PlatformJob } from '../../../src/core/model';
import { PlatformJobSource, platformJobWatch } from '../../../src/core/platformJobWatch';

async function until(what: string, pred: () => boolean): Promise<void> {
  for (const end = Date.now() + 20_000; !pred(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}
const pj = (id: string): PlatformJob => ({ id, name: id, state: 'running', vendorState: 'RUNNING' });

describe('platformJobWatch', () => {
  it('lists while visible, every interval; nothing while hidden; resumes when shown', async () => {
    let listings = 0;
    let changes = 0;
    const source: PlatformJobSource = {
      connection: 'ovm',
      label: 'Manager jobs',
      list: async () => {
        listings++;
        return [pj(`j${listings}`)];
      },
    };
    const w = platformJobWatch(async () => [source], { intervalMs: 5, onChange: () => changes++ });
    try {
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(listings, 0, 'nothing listed before the view is visible');
      w.setVisible(true);
      await until('three listings', () => listings >= 3 && changes >= 3);
      assert.equal(w.lists()[0].label, 'Manager jobs');
      assert.match(w.lists()[0].jobs[0].id, /^j\d+$/);
      w.setVisible(false);
      await new Promise((r) => setTimeout(r, 30)); // a listing under way may still end
      const after = listings;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(listings, after, 'no listing while hidden');
      w.setVisible(true);
      await until('a listing after showing again', () => listings > after);
    } finally {
      w.dispose();
    }
  });

  it("keeps a failed source's last jobs with its error; a source that is gone leaves the lists", async () => {
    let fail = false;
    let sources: PlatformJobSource[] = [
      {
        connection: 'a',
        label: 'Manager jobs',
        list: async () => {
          if (fail) throw new Error('connection "a": ECONNREFUSED');
          return [pj('a1')];
        },
      },
      { connection: 'b', label: 'Manager jobs', list: async () => [pj('b1')] },
    ];
    const w = platformJobWatch(async () => sources, { intervalMs: 60_000, onChange: () => undefined });
    await w.refresh();
    assert.deepEqual(
      w.lists().map((l) => [l.connection, l.jobs.map((j) => j.id), l.error]),
      [
        ['a', ['a1'], undefined],
        ['b', ['b1'], undefined],
      ],
    );
    fail = true;
    await w.refresh();
    assert.deepEqual(
      w.lists()[0].jobs.map((j) => j.id),
      ['a1'],
    );
    assert.equal(w.lists()[0].error, 'connection "a": ECONNREFUSED');
    sources = sources.slice(1);
    await w.refresh();
    assert.deepEqual(
      w.lists().map((l) => l.connection),
      ['b'],
    );
    w.dispose();
  });
});
