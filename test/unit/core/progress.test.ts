import { strict as assert } from 'node:assert';
import { ProgressMeter, formatProgress, ThrottledProgress } from '../../../src/core/progress';

describe('ProgressMeter', () => {
  it('computes rate and ETA from samples', () => {
    let t = 0;
    const m = new ProgressMeter(1000, 10_000, () => t);
    m.set(0);
    t = 1000;
    m.set(100);
    t = 2000;
    const p = m.set(200);
    assert.equal(p.rateBytesPerSec, 100);
    assert.equal(p.etaSeconds, 8);
    assert.equal(p.fraction, 0.2);
    assert.match(formatProgress(p), /200 B \/ 1000 B · 100 B\/s · ETA 8 s/);
  });
  it('has no ETA without a total', () => {
    let t = 0;
    const m = new ProgressMeter(undefined, 10_000, () => t);
    m.set(0);
    t = 1000;
    const p = m.set(2048);
    assert.equal(p.etaSeconds, undefined);
    assert.equal(p.rateBytesPerSec, 2048);
  });
});

describe('ProgressMeter without a byte total', () => {
  it("takes the fraction and the ETA from the source's own progress (XAPI's export task), and never goes back", () => {
    let t = 0;
    const m = new ProgressMeter(undefined, 10_000, () => t);
    m.set(0);
    m.setFraction(0.1);
    t = 2000;
    m.set(4096);
    m.setFraction(0.3);
    let p = m.snapshot();
    assert.equal(p.fraction, 0.3);
    assert.equal(p.bytesTotal, undefined);
    assert.ok(Math.abs(p.etaSeconds! - 7) < 1e-9, `0.2 per 2 s, 0.7 to go: 7 s (${p.etaSeconds})`);
    assert.match(formatProgress(p), /^4\.0 KiB \(30 %\) · 2\.0 KiB\/s · ETA 7 s$/);
    t = 3000;
    m.setFraction(0.2); // a stale poll answered late
    p = m.snapshot();
    assert.equal(p.fraction, 0.3);
  });
  it('a byte total, when there is one, wins over the fraction', () => {
    let t = 0;
    const m = new ProgressMeter(1000, 10_000, () => t);
    m.set(0);
    m.setFraction(0.9);
    t = 1000;
    assert.equal(m.set(100).fraction, 0.1);
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

describe('formatProgress of an operation without bytes', () => {
  it('a snapshot (XAPI task progress only) shows its % and no "0 B"', () => {
    assert.equal(formatProgress({ bytesDone: 0, fraction: 0.4, message: 'snapshot' }), 'snapshot · 40 %');
    assert.equal(formatProgress({ bytesDone: 0, fraction: 0 }), '0 %');
  });
  it('a step of a Manager job (a message, no bytes, no %) shows its message alone, not "· 0 B"', () => {
    assert.equal(formatProgress({ bytesDone: 0, message: 'Stop web01' }), 'Stop web01');
    assert.equal(formatProgress({ bytesDone: 0, message: 'Adding ttytest to pool1' }), 'Adding ttytest to pool1');
  });
  it('a transfer keeps its bytes: at 0 of a total, or with a rate', () => {
    assert.equal(
      formatProgress({ bytesDone: 0, bytesTotal: 1024, fraction: 0, message: 'disk0' }),
      'disk0 · 0 B / 1.0 KiB',
    );
    assert.equal(formatProgress({ bytesDone: 0 }), '0 B');
  });
});
