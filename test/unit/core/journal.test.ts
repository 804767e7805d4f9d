import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Journal, JournalEntry, isAbandoned, journalDir } from '../../../src/core/journal';
import { BackupRepository } from '../../../src/core/repository';
import { cleanJobFolder } from '../../../src/core/jobFolder';
import { JobManager } from '../../../src/core/jobManager';
import { tempDir } from '../../tempDir';

const tmp = () => tempDir('journal-');
const vm = { id: 'OpaqueRef:vm', uuid: 'vm-uuid', name: 'web' };
/** A repository with one backup folder holding `files`, and a (released) journal entry of the job that made it and names web.xva. */
async function killedJob(files: Record<string, string>): Promise<{ repo: string; dir: string; e: JournalEntry }> {
  const repo = tmp();
  const dir = new BackupRepository(repo).newBackupDir('web', 'vm');
  for (const [n, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), text);
  const j = new Journal(repo);
  const e = await j.begin({ connection: 'lab', platform: 'xen', vm, before: [] });
  await j.update(e, { folder: dir, folderMade: true, files: ['web.xva'] });
  j.release(e);
  return { repo, dir, e };
}

/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();

describe('Ownership journal', () => {
  it('records the intent on disk before anything is created, with a per-job marker in the name', async () => {
    const repo = tmp();
    const j = new Journal(repo);
    const e = await j.begin(
      { connection: 'lab', platform: 'xen', vm, before: ['old-snap'] },
      (m) => `vmbackup-temp ${m}`,
    );
    const onDisk = JSON.parse(fs.readFileSync(path.join(journalDir(repo), `${e.id}.json`), 'utf8')) as JournalEntry;
    assert.equal(onDisk.state, 'intent');
    assert.equal(onDisk.name, `vmbackup-temp ${e.marker}`);
    assert.deepEqual(onDisk.before, ['old-snap']);
    assert.ok(e.marker.length >= 12);
    const other = await j.begin({ connection: 'lab', platform: 'xen', vm, before: [] });
    assert.notEqual(other.marker, e.marker);
    assert.deepEqual(
      fs.readdirSync(journalDir(repo)).filter((n) => !n.endsWith('.json')),
      [],
      'no temporary file stays',
    );
  });

  it("a live job's entry is not abandoned; released, or of a dead process, it is; completion removes the entry and the empty journal folders", async () => {
    const repo = tmp();
    const j = new Journal(repo);
    const e = await j.begin({ connection: 'lab', platform: 'xen', vm, before: [] });
    assert.equal(isAbandoned(e), false);
    j.release(e);
    assert.equal(isAbandoned(e), true);
    assert.equal(isAbandoned({ ...e, owner: { host: os.hostname(), pid: Number(deadPid()) } }), true);
    assert.equal(
      isAbandoned({ ...e, owner: { host: 'elsewhere', pid: 1 }, updatedAt: new Date().toISOString() }),
      false,
      "another machine's recent entry",
    );
    await j.complete(e);
    assert.ok(!fs.existsSync(path.join(repo, '.vmbackup')));
    assert.deepEqual(fs.readdirSync(repo), []);
  });

  it("a journal write cut by kill -9 (<id>.json.<pid>.tmp of a dead process) is removed; a live process's is not", async () => {
    const repo = tmp();
    fs.mkdirSync(journalDir(repo), { recursive: true });
    const dead = path.join(journalDir(repo), `0b8e2d4c-1111-4222-8333-944455556666.json.${deadPid()}.tmp`);
    const mine = path.join(journalDir(repo), `0b8e2d4c-1111-4222-8333-944455556667.json.${process.pid}.tmp`);
    fs.writeFileSync(dead, '{"half');
    fs.writeFileSync(mine, '{"half');
    const j = new Journal(repo);
    assert.deepEqual(await j.removeDeadWrites(true), [dead]);
    assert.ok(fs.existsSync(dead), 'a dry run deletes nothing');
    assert.deepEqual(await j.removeDeadWrites(false), [dead]);
    assert.deepEqual([fs.existsSync(dead), fs.existsSync(mine)], [false, true]);
    fs.rmSync(mine);
    await j.removeDeadWrites(false);
    assert.deepEqual(
      fs.readdirSync(repo),
      [],
      "an empty journal folder (a kill right after an entry's completion) goes too",
    );
  });

  it('an unreadable journal file is reported, never deleted', async () => {
    const repo = tmp();
    fs.mkdirSync(journalDir(repo), { recursive: true });
    fs.writeFileSync(path.join(journalDir(repo), 'x.json'), '{"torn');
    const { entries, unreadable } = new Journal(repo).list();
    assert.deepEqual([entries.length, unreadable], [0, ['x.json']]);
    assert.ok(fs.existsSync(path.join(journalDir(repo), 'x.json')));
  });

  it("a killed job's folder: its .part and unmanifested file go, the folders too when empty; nothing else", async () => {
    const { repo, dir, e } = await killedJob({ 'web.xva.part': 'half' });
    const dry = await cleanJobFolder(repo, e, [e], true);
    assert.deepEqual(
      dry.map((i) => i.action),
      ['would delete', 'would delete', 'would delete'],
    );
    assert.ok(fs.existsSync(path.join(dir, 'web.xva.part')), 'a dry run deletes nothing');
    const done = await cleanJobFolder(repo, e, [e], false);
    assert.deepEqual(
      done.map((i) => i.what.split(' ')[0]),
      ['file', 'folder', 'folder'],
    );
    assert.ok(!fs.existsSync(path.join(repo, 'web')));
  });

  it("a killed job's folder that holds a file it did not name is kept (only its own files go)", async () => {
    const { repo, dir, e } = await killedJob({ 'web.xva.part': 'half', 'notes.txt': "the user's" });
    const items = await cleanJobFolder(repo, e, [e], false);
    assert.deepEqual(
      items.map((i) => i.action),
      ['deleted', 'kept'],
    );
    assert.ok(fs.existsSync(path.join(dir, 'notes.txt')));
    assert.match(items[1].why, /kept as not the tool's: notes\.txt$/);
  });

  it('a complete backup (manifest.json) of a killed job stays whole; a folder whose mkdir was not confirmed loses no file', async () => {
    const { repo, e } = await killedJob({ 'web.xva': 'x', 'manifest.json': '{}' });
    assert.deepEqual(await cleanJobFolder(repo, e, [e], false), []);
    const other = new BackupRepository(repo).newBackupDir('web', 'vm');
    fs.writeFileSync(path.join(other, 'web.xva.part'), "another job's");
    Object.assign(e, { folder: other, folderMade: false });
    await cleanJobFolder(repo, e, [e], false);
    assert.ok(fs.existsSync(path.join(other, 'web.xva.part')));
  });
});

describe('Backup folders (item 6)', () => {
  it('two backups of one VM started at the same instant never share a folder, even when another process makes it between a look and a mkdir', () => {
    const repo = tmp();
    const when = new Date('2026-01-02T03:04:05.678Z');
    const r = new BackupRepository(repo);
    const first = r.newBackupDir('web', 'vm', when);
    fs.writeFileSync(path.join(first, 'web.xva.part'), "the other job's");
    // The other process's mkdir lands right after this one looked: existsSync said "free".

    const nodeFs = require('node:fs') as { existsSync: (p: fs.PathLike) => boolean };
    const real = nodeFs.existsSync;
    nodeFs.existsSync = (p) => (String(p) === first ? false : real(p));
    let second: string;
    try {
      second = r.newBackupDir('web', 'vm', when);
    } finally {
      nodeFs.existsSync = real;
    }
    assert.notEqual(second, first);
    assert.deepEqual(fs.readdirSync(second), []);
  });
});

describe('Job history (item 16)', () => {
  it('a corrupt history is kept aside as *.corrupt-<time>, said once, and the manager goes on', async () => {
    const dir = tmp();
    const file = path.join(dir, 'jobs.json');
    fs.writeFileSync(file, '[{"id": "a", "title": "half-writ');
    const jm = new JobManager({ historyFile: file });
    assert.match(jm.historyProblem ?? '', /jobs\.json was unreadable .*kept as .*jobs\.json\.corrupt-/);
    await jm.run('next', 't', {}, 'h', async () => 1).done;
    const aside = fs.readdirSync(dir).filter((n) => n.startsWith('jobs.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(fs.readFileSync(path.join(dir, aside[0]), 'utf8'), '[{"id": "a", "title": "half-writ');
    const again = new JobManager({ historyFile: file });
    assert.equal(again.historyProblem, undefined, 'said once: the new history reads fine');
    assert.equal(again.finished[0].title, 'next');
  });

  it('a history that is JSON but not a list of jobs is kept aside too', () => {
    const file = path.join(tmp(), 'jobs.json');
    fs.writeFileSync(file, '{"jobs": []}');
    const jm = new JobManager({ historyFile: file });
    assert.match(jm.historyProblem ?? '', /not a list of jobs/);
    assert.ok(!fs.existsSync(file));
  });
});
