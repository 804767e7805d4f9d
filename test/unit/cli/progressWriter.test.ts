import { strict as assert } from 'node:assert';
import { endStatusLines, progressWriter } from '../../../src/cli/statusLine';

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
  it('a terminal: one status line rewritten in place; a log line is that status, not a line of its own', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s));
    w.progress({ bytesDone: 1, bytesTotal: 2, fraction: 0.5 });
    w.line('uploading disk0.vmdk');
    w.progress({ bytesDone: 2, bytesTotal: 2, fraction: 1 });
    w.line('snapshot nightly created');
    w.end();
    for (const o of out) assert.match(o, /^\r.*\x1b\[K$/);
    assert.match(out[2], /^\ruploading disk0\.vmdk — 2 B \/ 2 B/);
    assert.equal(out[out.length - 1], '\r\x1b[K');
    assert.ok(!out.join('').includes('\n'), 'nothing stays on the terminal but the result the verb prints next');
  });
  it('a terminal: a warning stays on a line of its own, and the status comes back under it', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s));
    w.line('exporting');
    w.keep('warning: the temporary snapshot is left for Clean Up');
    assert.deepEqual(out.slice(1), [
      '\r\x1b[Kwarning: the temporary snapshot is left for Clean Up\n',
      '\rexporting\x1b[K',
    ]);
  });
  it('a terminal: the status line is cut to its width (a wrapped line cannot be rewritten in place)', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s), Date.now, 20);
    w.line('x'.repeat(50));
    assert.equal(out[0], `\r${'x'.repeat(18)}…\x1b[K`);
  });
  it('endStatusLines erases every status line still shown (cli.ts, before the result or the error)', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s));
    w.line('restoring');
    endStatusLines();
    assert.equal(out[out.length - 1], '\r\x1b[K');
    endStatusLines();
    assert.equal(out.length, 2, 'erased once');
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
  it('a terminal: progress of a job names its VM, and the step it is at (its last log line)', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s));
    w.progress({ bytesDone: 8 * 1024 * 1024, rateBytesPerSec: 2 * 1024 ** 3 }, 'web-01');
    assert.equal(out[0], '\rweb-01: 8.0 MiB · 2.0 GiB/s\x1b[K');
    w.line('exporting disk 0');
    w.progress({ bytesDone: 8 * 1024 * 1024 }, 'web-01');
    assert.equal(out[2], '\rweb-01: exporting disk 0 — 8.0 MiB\x1b[K');
    w.end();
  });
  it('several jobs on a terminal: each progress line shows its own job’s step, never another’s', () => {
    const out: string[] = [];
    const w = progressWriter(true, (s) => out.push(s));
    w.line('exporting', 'web-01');
    w.progress({ bytesDone: 1 }, 'db-02');
    assert.equal(out[1], '\rdb-02: 1 B\x1b[K');
    w.progress({ bytesDone: 2 }, 'web-01');
    assert.equal(out[2], '\rweb-01: exporting — 2 B\x1b[K');
    w.end();
  });
});
