import { strict as assert } from 'node:assert';
import { ProgressMeter, formatProgress, ThrottledProgress } from '../../../src/core/progress';

describe('ProgressMeter', () => {
  it('computes rate and ETA from samples', () => {
    let t = 0;
    const m = new ProgressMeter(1000, 10_000, () => t);
    m.set(0);
    t = 1000; m.set(100);
    t = 2000; const p = m.set(200);
    assert.equal(p.rateBytesPerSec, 100);
    assert.equal(p.etaSeconds, 8);
    assert.equal(p.fraction, 0.2);
    assert.match(formatProgress(p), /200 B \/ 1000 B · 100 B\/s · ETA 8 s/);
  });
  it('has no ETA without a total', () => {
    let t = 0;
    const m = new ProgressMeter(undefined, 10_000, () => t);
    m.set(0); t = 1000;
    const p = m.set(2048);
    assert.equal(p.etaSeconds, undefined);
    assert.equal(p.rateBytesPerSec, 2048);
  });
});

describe('ThrottledProgress', () => {
  it('reports at most once per interval, then the last bytes of a transfer that stalls, and nothing after finish', async () => {
    const seen: number[] = [];
    const p = new ThrottledProgress(new ProgressMeter(1000), (x) => seen.push(x.bytesDone), 40);
    for (let i = 0; i < 100; i++) p.add(1); // a burst well inside one interval
    assert.deepEqual(seen, [1]);
    await new Promise((r) => setTimeout(r, 120)); // the transfer stalls: the trailing report shows all 100 bytes
    assert.deepEqual(seen, [1, 100]);
    p.add(5);
    p.finish();
    assert.equal(seen[seen.length - 1], 105);
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(seen.length, count);
  });
});
