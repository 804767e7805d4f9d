// Restore of a VCB backup kept in the repository, over real SSH against the VCB lab (vcsim): the backup folder uploaded
// to a journalled staging folder on the VCB host with each file's sha256 checked there (sha256sum, or read back over
// SFTP when the host has none), vcbRestore to the original place and through an edited catalog copy (-a), a hostile VM
// name through it all, a cancel mid-upload (nothing left remotely, no VM registered), a tampered file refused, and the
// journal's staging entries settled only when the host confirms the folder is the job's.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../../src/core/errors';
import { Journal } from '../../src/core/journal';
import { BackupRepository, CatalogEntry } from '../../src/core/repository';
import { VcbProvider, vcbVmRef } from '../../src/providers/vcb/vcbProvider';
import { STAGING_OWNER_FILE, STAGING_PREFIX, vcbHostKey } from '../../src/providers/vcb/vcbStaging';
import { VcbFixture, processesOf, startVcbFixture, stopVcbFixture, testContext } from './vcbFixture';
import { tempDir } from '../tempDir';

const VM = 'DC0_H0_VM1';
const HOSTILE = `it's $(touch vmbk-vcb-pwned); \`touch vmbk-vcb-pwned\` * "q" & | > x`;

describe('VCB restore from the repository (upload to a staging folder, vcbRestore, staging removed)', function () {
  this.timeout(300_000);
  let f: VcbFixture;
  let p: VcbProvider;
  let repo: string;
  let ds: string;
  let disk: Buffer;
  let entry: CatalogEntry;

  const staged = () => fs.readdirSync(f.host.stagingDir!);
  const vmsNamed = async (name: string) => (await f.inventory()).vms.filter((v) => v.name === name);
  const journalEntries = () => new Journal(repo).list().entries;

  before(async () => {
    f = await startVcbFixture({ extentBytes: 256 * 1024 });
    repo = tempDir('vmbk-vcb-reporestore-');
    ds = await f.dsDir();
    disk = randomBytes(3 * 1024 * 1024 + 11);
    fs.writeFileSync(path.join(ds, VM, 'disk1.vmdk'), disk);
    p = await f.open();
    const r = await p.backup(vcbVmRef(await f.vm(VM)), { kind: 'repository', repository: repo }, testContext());
    entry = new BackupRepository(repo).list().find((e) => e.dir === r.localDir)!;
    assert.equal(entry.manifest?.platform, 'vcb');
  });
  after(async () => {
    await p?.close();
    await stopVcbFixture(f);
    fs.rmSync(repo, { recursive: true, force: true });
  });
  afterEach(() => {
    assert.deepEqual(staged(), [], 'no staging folder left on the VCB host');
    assert.deepEqual(journalEntries(), [], 'no journal entry left');
  });

  it('restores to the original place (-b overwrite): uploaded, sha256 checked on the VCB host, VM registered anew', async () => {
    const before = await f.vm(VM);
    fs.writeFileSync(path.join(ds, VM, 'disk1.vmdk'), Buffer.alloc(10)); // changed since the backup
    const ctx = testContext();
    const r = await p.restoreFromRepository(entry, { mode: 'overwrite' }, ctx);
    assert.ok(path.basename(r.staging).startsWith(STAGING_PREFIX), r.staging);
    const after = await vmsNamed(VM);
    assert.equal(after.length, 1);
    assert.notEqual(after[0].id, before.id, 'registered anew from the restored .vmx');
    assert.deepEqual(fs.readFileSync(path.join(ds, VM, 'disk1.vmdk')), disk);
    assert.equal(
      ctx.lines.filter((l) => /sha256 checked on the VCB host/.test(l)).length,
      entry.manifest!.files.length,
      ctx.lines.join('\n'),
    );
    const uploads = ctx.messages.filter((m) => m.startsWith('SFTP upload '));
    assert.equal(uploads[uploads.length - 1], 'SFTP upload catalog', 'the catalog goes last');
  });

  it('restores elsewhere through an edited catalog copy (-a): validated first, the backup untouched', async () => {
    const original = fs.readFileSync(path.join(entry.dir, 'catalog'), 'utf8');
    const edited = original.replace(/\[LocalDS_0\] DC0_H0_VM1\//g, '[LocalDS_0] vm1-from-repo/');
    await assert.rejects(
      p.restoreFromRepository(
        entry,
        { mode: 'abort', catalogText: edited.replace(/config\.vmx= "\[LocalDS_0\] /, 'config.vmx= "') },
        testContext(),
      ),
      /the edited catalog has 1 error\(s\): line \d+/,
    );
    assert.equal((await vmsNamed(VM)).length, 1, 'a refused catalog restores nothing');
    await p.restoreFromRepository(entry, { mode: 'abort', catalogText: edited }, testContext());
    assert.equal((await vmsNamed(VM)).length, 2, 'the original and the copy restored elsewhere');
    assert.deepEqual(fs.readFileSync(path.join(ds, 'vm1-from-repo', 'disk1.vmdk')), disk);
    assert.equal(fs.readFileSync(path.join(entry.dir, 'catalog'), 'utf8'), original);
    assert.ok((await new BackupRepository(repo).verify(entry)).ok);
  });

  it("-b abort: vcbRestore's own message, nothing changed, the staging folder still removed", async () => {
    const before = await f.vm(VM);
    await assert.rejects(p.restoreFromRepository(entry, { mode: 'abort' }, testContext()), (e: Error) => {
      assert.match(e.message, /vcbRestore exited with 1: .*aborted/);
      assert.match(e.message, /vc-lab/);
      return true;
    });
    assert.equal((await f.vm(VM)).id, before.id);
  });

  it('a file changed in the repository since the backup (same size) is refused after upload: nothing restored', async () => {
    const extent = entry.manifest!.files.find((x) => /-s001\.vmdk$/.test(x.name))!;
    const file = path.join(entry.dir, extent.name);
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[100] ^= 0xff;
    fs.writeFileSync(file, bad);
    const before = await f.vm(VM);
    try {
      await assert.rejects(
        p.restoreFromRepository(entry, { mode: 'overwrite' }, testContext()),
        new RegExp(
          `${extent.name.replace(/\./g, '\\.')} on the VCB host has sha256 [0-9a-f]{64}, the backup's manifest says ${extent.sha256}`,
        ),
      );
    } finally {
      fs.writeFileSync(file, good);
    }
    assert.equal((await f.vm(VM)).id, before.id, 'vcbRestore never ran');
  });

  it('without sha256sum on the VCB host each file is read back over SFTP and checked', async () => {
    const shim = path.join(f.lab.peer.bin, 'sha256sum');
    f.lab.peer.addTool('sha256sum', '#!/bin/sh\necho "sha256sum: command not found" >&2\nexit 127\n');
    try {
      const ctx = testContext();
      await p.restoreFromRepository(entry, { mode: 'overwrite' }, ctx);
      assert.ok(
        ctx.lines.some((l) => /no usable sha256sum on .*read back over SFTP/.test(l)),
        ctx.lines.join('\n'),
      );
    } finally {
      fs.rmSync(shim, { force: true });
    }
    assert.deepEqual(fs.readFileSync(path.join(ds, VM, 'disk1.vmdk')), disk);
  });

  it('cancel mid-upload: the staging folder goes, vcbRestore never runs, no VM registered', async () => {
    const before = (await f.inventory()).vms.map((v) => v.id).sort();
    const total = entry.manifest!.files.reduce((n, x) => n + x.bytes, 0);
    const ctx = testContext((b) => b > 1024 * 1024 && b < total);
    await assert.rejects(p.restoreFromRepository(entry, { mode: 'overwrite' }, ctx), CancelledError);
    assert.ok(
      ctx.progressed.some((b) => b > 0 && b < total),
      'cancelled while uploading',
    );
    assert.deepEqual((await f.inventory()).vms.map((v) => v.id).sort(), before, 'no VM registered or unregistered');
    assert.equal(processesOf(f.lab.peer.user).filter((c) => c.includes('vcbRestore')).length, 0);
  });

  it('a hostile VM name (shell metacharacters, spaces, quotes) through backup, upload and restore', async () => {
    const dir = path.join(ds, 'hostile vm');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'hostile.vmx'), `displayName = "${HOSTILE}"\n`);
    fs.writeFileSync(path.join(dir, 'disk1.vmdk'), disk.subarray(0, 300 * 1024));
    f.helper(
      'register',
      '',
      '[LocalDS_0] hostile vm/hostile.vmx',
      HOSTILE,
      '/Datacenters/DC0/vm',
      '/Datacenters/DC0/host/DC0_H0/Resources',
      'DC0_H0',
    );
    const vm = await f.vm(HOSTILE);
    const r = await p.backup(vcbVmRef(vm), { kind: 'repository', repository: repo }, testContext());
    const hostile = new BackupRepository(repo).list().find((e) => e.dir === r.localDir)!;
    assert.equal(hostile.manifest?.source.vm?.name, HOSTILE);
    await p.restoreFromRepository(hostile, { mode: 'overwrite' }, testContext());
    const after = await vmsNamed(HOSTILE);
    assert.equal(after.length, 1);
    assert.notEqual(after[0].id, vm.id, 'restored and registered anew');
    for (const d of [f.lab.peer.dir, f.lab.peer.files, f.host.stagingDir!, os.homedir()])
      assert.ok(!fs.existsSync(path.join(d, 'vmbk-vcb-pwned')), `nothing ran from the name (${d})`);
  });

  it("Clean Up removes an abandoned entry's staging folder only when the host confirms it is that job's", async () => {
    const journal = new Journal(repo);
    const vm = { id: 'vm-x', uuid: 'u', name: VM };
    const fields = { connection: f.profile.name, platform: 'vcb', vm, before: [] };
    // An abandoned job's folder (its owner file names it) and one that only carries a similar name.
    const ours = await journal.begin(fields, (m) => path.join(f.host.stagingDir!, `${STAGING_PREFIX}${m}`));
    await journal.update(ours, { remoteHost: vcbHostKey(p.session), state: 'created' });
    fs.mkdirSync(ours.name!);
    fs.writeFileSync(path.join(ours.name!, STAGING_OWNER_FILE), `${ours.id}\n`);
    fs.writeFileSync(path.join(ours.name!, 'x.vmdk.part'), 'partial');
    const other = await journal.begin(fields, (m) => path.join(f.host.stagingDir!, `${STAGING_PREFIX}${m}`));
    await journal.update(other, { remoteHost: vcbHostKey(p.session), state: 'created' });
    fs.mkdirSync(other.name!);
    fs.writeFileSync(path.join(other.name!, STAGING_OWNER_FILE), 'another-job\n');
    fs.writeFileSync(path.join(other.name!, 'user-file'), 'keep me');
    execFileSync('chown', ['-R', f.lab.peer.user, ours.name!, other.name!]);
    journal.release(ours);
    journal.release(other);

    const dry = await p.cleanup({ dryRun: true, repository: repo }, testContext());
    const lines = dry.map((i) => `${i.action}: ${i.what}`);
    assert.ok(
      lines.includes(`would delete: folder ${ours.name} on VCB host ${vcbHostKey(p.session)}`),
      lines.join('\n'),
    );
    assert.ok(lines.includes(`kept: folder ${other.name} on VCB host ${vcbHostKey(p.session)}`), lines.join('\n'));
    assert.ok(fs.existsSync(ours.name!), 'a dry run deletes nothing');

    await p.cleanup({ repository: repo }, testContext());
    assert.ok(!fs.existsSync(ours.name!), "the job's folder is gone");
    assert.equal(fs.readFileSync(path.join(other.name!, 'user-file'), 'utf8'), 'keep me', 'the other is untouched');
    fs.rmSync(other.name!, { recursive: true });
  });
});
