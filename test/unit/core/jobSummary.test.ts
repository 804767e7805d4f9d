import { strict as assert } from 'node:assert';
import { durationOf, jobSummary } from '../../../src/core/jobSummary';
import { JobRecord } from '../../../src/core/job';

describe('job summary (the job log document)', () => {
  const base: JobRecord = {
    id: 'j1',
    title: 'Back up web-01',
    kind: 'backup-vm',
    context: { connection: 'lab', host: 'xcp-host-01', vm: 'web-01' },
    state: 'succeeded',
    log: [],
    created: '2026-11-29T10:00:00.000Z',
    started: '2026-11-29T10:00:01.000Z',
    finished: '2026-11-29T10:02:05.000Z',
  };
  it('names the source, every file with bytes and sha256, the total and the duration', () => {
    const lines = jobSummary({
      ...base,
      result: {
        dir: '/repo/web-01/2026-11-29',
        files: [{ name: 'web-01.xva', bytes: 2048, sha256: 'ab'.repeat(32) }],
        manifest: {},
      },
    });
    assert.ok(lines[0].startsWith('source: ') && lines[0].includes('web-01'), lines[0]);
    assert.ok(lines.includes('folder: /repo/web-01/2026-11-29'));
    assert.ok(lines.includes(`file: web-01.xva · 2048 bytes (2.0 KiB) · sha256 ${'ab'.repeat(32)}`));
    assert.ok(lines.includes('bytes: 2048 (2.0 KiB)'));
    assert.ok(lines.includes('duration: 2 min 4 s'));
  });
  it('a job without files (a snapshot) says no bytes; a failure its vendor code', () => {
    const lines = jobSummary({ ...base, state: 'failed', error: { message: 'no', code: 'VM_IS_SNAPSHOT' } });
    assert.ok(!lines.some((l) => l.startsWith('bytes:') || l.startsWith('file:')));
    assert.ok(lines.includes('error: no (VM_IS_SNAPSHOT)'));
    assert.equal(durationOf(base.started, undefined), undefined);
  });
});
