import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { writeVerified } from '../../../src/core/verifiedWrite';
import { BackupRepository } from '../../../src/core/repository';
import { TOOL } from '../../../src/core/manifest';
import { tarEndCheck } from '../../../src/core/tarEndCheck';

function tmp(): string { return fs.mkdtempSync(path.join(os.tmpdir(), 'repo-')); }
function chunks(n: number, size = 65536): Readable {
  let i = 0;
  return new Readable({ read() { this.push(i++ < n ? Buffer.alloc(size, i) : null); } });
}

describe('writeVerified', () => {
  it('writes via .part, hashes while streaming, renames at the end', async () => {
    const dir = tmp();
    const f = await writeVerified(chunks(10), path.join(dir, 'a.xva'), {});
    assert.equal(f.bytes, 655360);
    assert.equal(f.sha256, createHash('sha256').update(fs.readFileSync(f.path)).digest('hex'));
    assert.deepEqual(fs.readdirSync(dir), ['a.xva']);
  });
  it('leaves nothing when the confirmation fails (the source task failed after the bytes)', async () => {
    const dir = tmp();
    await assert.rejects(writeVerified(chunks(3), path.join(dir, 'b.xva'), { confirm: async () => { throw new Error('task failed'); } }), /task failed/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
  it('leaves nothing when aborted mid-stream', async () => {
    const dir = tmp();
    const ac = new AbortController();
    let n = 0;
    const slow = new Readable({ read() { if (n++ === 5) ac.abort(); setTimeout(() => this.push(Buffer.alloc(1024)), 1); } });
    await assert.rejects(writeVerified(slow, path.join(dir, 'c.xva'), { signal: ac.signal }));
    assert.deepEqual(fs.readdirSync(dir), []);
  });
  it('leaves nothing when the content check fails (a tar cut before its end-of-archive marker)', async () => {
    const dir = tmp();
    await assert.rejects(writeVerified(chunks(3), path.join(dir, 'd.xva'), { check: tarEndCheck('/export') }), /ended before the end of the archive/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
  it('writes a hostile stream of tiny chunks byte for byte (many more chunks than one writev takes)', async () => {
    const dir = tmp();
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff));
    let i = 0;
    const tiny = new Readable({ read() { for (let k = 0; k < 5000 && i < bytes.length; k++) this.push(bytes.subarray(i, ++i)); if (i >= bytes.length) this.push(null); } });
    const seen: number[] = [];
    const f = await writeVerified(tiny, path.join(dir, 'e.bin'), { onProgress: (p) => seen.push(p.bytesDone) });
    assert.ok(fs.readFileSync(f.path).equals(bytes));
    assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(seen[seen.length - 1], bytes.length);
  });
});

describe('BackupRepository', () => {
  it('lists our backups and foreign files, newest first, and verifies hashes', async () => {
    const root = tmp();
    const repo = new BackupRepository(root);
    const dir = repo.newBackupDir('../evil/$(vm)', 'vm');
    assert.ok(dir.startsWith(root + path.sep));
    const f = await writeVerified(chunks(2), path.join(dir, 'vm.xva'), {});
    repo.writeManifest(dir, { format: 'vmbackup-manifest/1', kind: 'vm', platform: 'xen', created: '2026-01-02T00:00:00Z', tool: TOOL, source: { connection: 'lab', vm: { uuid: 'u1', name: 'evil' } }, files: [{ name: 'vm.xva', bytes: f.bytes, sha256: f.sha256 }] });
    fs.writeFileSync(path.join(root, 'old-export.xva'), 'x');
    fs.utimesSync(path.join(root, 'old-export.xva'), new Date('2020-01-01'), new Date('2020-01-01'));
    fs.writeFileSync(path.join(root, 'half.xva.part'), 'x');
    const list = repo.list();
    assert.deepEqual(list.map((e) => e.kind), ['vm', 'foreign']);
    assert.equal(list[0].vmUuid, 'u1');
    assert.deepEqual(await repo.verify(list[0]), { ok: true, problems: [] });
    fs.appendFileSync(path.join(dir, 'vm.xva'), 'tamper');
    const bad = await repo.verify(list[0]);
    assert.equal(bad.ok, false);
    assert.match(bad.problems[0], /bytes, manifest says/);
  });
});
