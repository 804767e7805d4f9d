import { strict as assert } from 'node:assert';
import { ProgressMeter, formatProgress } from '../../../src/core/progress';

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
