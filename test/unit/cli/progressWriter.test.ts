import { strict as assert } from 'node:assert';
import { progressWriter } from '../../../src/cli/session';

describe('CLI progress on a terminal and in a redirected log', () => {
  it('not a terminal: plain lines, one per 10 % step, no control characters', () => {
    const out: string[] = [];
    const w = progressWriter(false, (s) => out.push(s));
    for (let i = 0; i <= 100; i++) w.progress({ bytesDone: i * 1024, bytesTotal: 100 * 1024, fraction: i / 100 });
    w.line('exported');
    const text = out.join('');

    assert.doesNotMatch(text, /[\x00-\x09\x0b-\x1f\x7f]/);
    assert.equal(out.length, 12); // 0 %, 10 %, … 100 %, and the line
    assert.equal(out[11], 'exported\n');
  });
  it('without a fraction: at most one line per 10 s', () => {
    const out: string[] = [];
    let t = 0;
    const w = progressWriter(
      false,
      (s) => out.push(s),
      () => t,
    );
    for (; t < 25_000; t += 500) w.progress({ bytesDone: t });
    assert.equal(out.length, 3);
  });
  it('a terminal: one line rewritten in place, a log line starts on a fresh line', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s));
    w.progress({ bytesDone: 1, bytesTotal: 2, fraction: 0.5 });
    w.line('done');
    assert.match(out[0], /^\r.*\x1b\[K$/);
    assert.equal(out[1], '\ndone\n');
  });
  it('several jobs at once: each line names its VM, and each VM has its own 10 % steps', () => {
    const out: string[] = [];
    const w = progressWriter(false, (s) => out.push(s));
    for (let i = 0; i <= 10; i++) {
      w.progress({ bytesDone: i, bytesTotal: 10, fraction: i / 10 }, 'web-01');
      w.progress({ bytesDone: i, bytesTotal: 10, fraction: i / 10 }, 'db-02');
    }
    assert.equal(out.filter((l) => l.startsWith('web-01: ')).length, 11);
    assert.equal(out.filter((l) => l.startsWith('db-02: ')).length, 11);
    assert.equal(out.length, 22);
  });
});
