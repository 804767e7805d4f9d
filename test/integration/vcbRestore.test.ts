// VCB restore, group backup/restore, cleanup and file-level mount over real SSH against vcsim (test/lab/vcb):
// vcbRestore to the original place and through an edited catalog copy (the VM registered in vcsim), -b behaviours
// and the prompt answered on the channel, vcbSnapAll/vcbResAll with child jobs, cleanup of VCB's own snapshots only,
// vcbMounter -t file browse and unmount, live catalog names.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobContext } from '../../src/core/job';
import { UnansweredPromptError } from '../../src/transport/ssh';
import { VcbProvider, vcbVmRef } from '../../src/providers/vcb/vcbProvider';
import { VcbToolError } from '../../src/providers/vcb/vcbRun';
import { STAGING_PREFIX } from '../../src/providers/vcb/vcbStaging';
import { Journal } from '../../src/core/journal';
import { VcbFixture, processesOf, startVcbFixture, stopVcbFixture, testContext } from './vcbFixture';
import { tempDir } from '../tempDir';

const VM = 'DC0_H0_VM1';

describe('VCB over SSH: restore, groups, cleanup, file level', function () {
  this.timeout(300_000);
  let f: VcbFixture;
  let p: VcbProvider;
  let ds: string;
  let disk: Buffer;
  let backupDir: string;
  /** The repository whose journal records the catalog copies. */
  let repo: string;

  before(async () => {
    repo = tempDir('vmbk-vcb-restore-');
    f = await startVcbFixture();
    ds = await f.dsDir();
    disk = randomBytes(150 * 1024 + 7);
    fs.writeFileSync(path.join(ds, VM, 'disk1.vmdk'), disk);
    p = await f.open();
    backupDir = path.join(f.lab.backups, 'vm1');
    await p.backup(vcbVmRef(await f.vm(VM)), { kind: 'folder', path: backupDir }, testContext());
  });
  after(async () => {
    await p?.close();
    await stopVcbFixture(f);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('restores to the original place with -b overwrite: files written back, the VM registered again', async () => {
    const before = await f.vm(VM);
    fs.writeFileSync(path.join(ds, VM, 'disk1.vmdk'), Buffer.alloc(10)); // changed since the backup
    await p.restore(backupDir, { mode: 'overwrite' }, testContext(), VM);
    const after = (await f.inventory()).vms.filter((v) => v.name === VM);
    assert.equal(after.length, 1);
    assert.notEqual(after[0].id, before.id, 'registered anew from the restored .vmx');
    assert.deepEqual(fs.readFileSync(path.join(ds, VM, 'disk1.vmdk')), disk);
  });

  it("-b abort fails with the tool's own message and changes nothing; -b keep keeps", async () => {
    const before = await f.vm(VM);
    await assert.rejects(p.restore(backupDir, { mode: 'abort' }, testContext(), VM), (e: VcbToolError) => {
      assert.equal(e.program, 'vcbRestore');
      assert.match(e.message, /aborted/);
      assert.match(e.message, new RegExp(`connection "vc-lab"|vc-lab`));
      return true;
    });
    await p.restore(backupDir, { mode: 'keep' }, testContext(), VM);
    assert.equal((await f.vm(VM)).id, before.id);
  });

  it('-b prompt: the question reaches the caller and its answer goes back on the channel', async () => {
    const before = await f.vm(VM);
    const asked: string[] = [];
    await p.restore(
      backupDir,
      {
        mode: 'prompt',
        answer: async (q) => {
          asked.push(q);
          return 'y';
        },
      },
      testContext(),
      VM,
    );
    assert.equal(asked.length, 1);
    assert.match(asked[0], /Overwrite/);
    assert.notEqual((await f.vm(VM)).id, before.id);
  });

  it('-b prompt with nobody to answer ends vcbRestore instead of leaving it waiting', async () => {
    await assert.rejects(p.restore(backupDir, { mode: 'prompt' }, testContext(), VM), UnansweredPromptError);
    assert.equal(processesOf(f.lab.peer.user).filter((c) => c.includes('vcbRestore')).length, 0);
  });

  it("restores elsewhere through an edited catalog copy (the backup's catalog untouched)", async () => {
    const original = fs.readFileSync(path.join(backupDir, 'catalog'), 'utf8');
    const copy = await p.copyCatalog(backupDir, repo, testContext(), VM);
    assert.equal(copy.text, original);
    assert.deepEqual(
      copy.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const edited = copy.text.replace(/\[LocalDS_0\] DC0_H0_VM1\//g, '[LocalDS_0] vm1-elsewhere/');
    await assert.rejects(
      p.saveCatalogCopy(copy.path, edited.replace(/config\.vmx= "\[LocalDS_0\] /, 'config.vmx= "')),
      /error/,
    );
    await assert.rejects(
      p.saveCatalogCopy(path.join(backupDir, 'catalog'), edited),
      /not a catalog copy made by this tool/,
    );
    await p.saveCatalogCopy(copy.path, edited);
    await p.restore(backupDir, { mode: 'abort', catalog: copy.path }, testContext(), VM);
    const vms = (await f.inventory()).vms.filter((v) => v.name === VM);
    assert.equal(vms.length, 2, 'the original and the copy restored elsewhere');
    assert.deepEqual(fs.readFileSync(path.join(ds, 'vm1-elsewhere', 'disk1.vmdk')), disk);
    assert.equal(fs.readFileSync(path.join(backupDir, 'catalog'), 'utf8'), original);
    // The copy lives in a journalled staging folder of its own, which discardCatalogCopy removes.
    assert.equal(path.dirname(path.dirname(copy.path)), f.host.stagingDir);
    assert.ok(path.basename(path.dirname(copy.path)).startsWith(STAGING_PREFIX), copy.path);
    assert.equal(new Journal(repo).list().entries.length, 1, 'the journal names the copy');
    await p.discardCatalogCopy(copy, testContext());
    assert.ok(!fs.existsSync(path.dirname(copy.path)), 'the staging folder of the copy is gone');
    assert.deepEqual(new Journal(repo).list().entries, []);
  });

  it('gives live datastore, folder, resource pool and host names for catalog completion', async () => {
    const { names, liveValues } = await p.catalogNames(testContext());
    assert.deepEqual(names.datastores, ['LocalDS_0']);
    assert.deepEqual(names.folders, ['/Datacenters/DC0/vm']);
    assert.deepEqual(names.resourcePools, ['/Datacenters/DC0/host/DC0_H0/Resources']);
    assert.deepEqual(names.hosts, ['DC0_H0']);
    assert.deepEqual(
      liveValues('vcb-catalog', 'config.vmx').map((v) => v.value),
      ['[LocalDS_0] '],
    );
    assert.deepEqual(
      liveValues('vcb-catalog', 'resourcepool').map((v) => v.value),
      names.resourcePools,
    );
  });

  it('file level: mounts the volumes read-only, browses them, refuses paths leaving the mount, unmounts', async () => {
    const vmName = 'DC0_H0_VM2';
    const guest = tempDir('vmbk-guest-');
    fs.mkdirSync(path.join(guest, 'Windows'));
    fs.writeFileSync(path.join(guest, 'Windows', 'win.ini'), '[fonts]\n');
    execFileSync('tar', ['-cf', path.join(ds, vmName, 'disk1.vmdk'), '-C', guest, '.']);
    fs.rmSync(guest, { recursive: true, force: true });
    const m = await p.mount(vcbVmRef(await f.vm(vmName)), testContext());
    assert.ok((await f.snapshotNames(vmName)).includes('_VCB_BACKUP_'), 'the backup snapshot lives while mounted');
    const volumes = (await m.list('letters')).map((e) => e.name);
    assert.deepEqual(volumes, ['C']);
    assert.ok((await m.list('letters/C/Windows')).some((e) => e.name === 'win.ini'));
    assert.equal(await m.readText('letters/C/Windows/win.ini'), '[fonts]\n');
    await assert.rejects(m.list('../..'), /leaves the mount point/);
    const st = fs.statSync(path.join(m.mountPoint, 'letters', 'C', 'Windows', 'win.ini'));
    assert.equal(st.mode & 0o222, 0, 'read-only');
    await m.unmount(testContext());
    assert.ok(!fs.existsSync(m.mountPoint));
    assert.deepEqual(await f.snapshotNames(vmName), []);
  });
  it('vcbSnapAll: one child job per VM under the group job; vcbResAll restores them all', async () => {
    const vms = (await f.inventory()).vms.filter((v) => v.powerState === 'poweredOn' && !v.template);
    const dest = path.join(f.lab.backups, 'group');
    const children: Record<string, { lines: string[]; ok?: boolean }> = {};
    const child = (name: string) => {
      const c = testContext();
      children[name] = { lines: c.lines };
      return { ...c, done: (ok: boolean) => (children[name].ok = ok) } as JobContext & { done(ok: boolean): void };
    };
    const members = await p.snapAll('powerstate:on', dest, testContext(), child);
    assert.deepEqual(Object.keys(children).sort(), [...new Set(vms.map((v) => v.name))].sort());
    assert.ok(
      members.every((m) => m.ok && m.dir),
      JSON.stringify(members),
    );
    assert.ok(Object.values(children).every((c) => c.ok));
    assert.deepEqual(await f.snapshotNames(VM), []);
    const restored = await p.resAll(dest, { mode: 'overwrite' }, testContext(), child);
    assert.equal(restored.length, members.length);
    assert.ok(
      restored.every((m) => m.ok),
      JSON.stringify(restored),
    );
  });

  it("cleanup removes VCB's own _VCB_BACKUP_ snapshots and never a user's", async () => {
    const vm = await f.vm('DC0_H0_VM0');
    f.helper('snap-create', vm.id, 'nightly', 'a user snapshot');
    f.helper('snap-create', vm.id, '_VCB_BACKUP_', 'left by a killed VCB job');
    const dry = await p.cleanup({ dryRun: true }, testContext());
    assert.deepEqual(
      dry.filter((i) => i.what.startsWith('snapshot')).map((i) => i.what.replace(/\(.*?\)/, '()')),
      ['snapshot "_VCB_BACKUP_" () of VM "DC0_H0_VM0"'],
    );
    assert.deepEqual((await f.snapshotNames('DC0_H0_VM0')).sort(), ['_VCB_BACKUP_', 'nightly']);
    await p.cleanup({}, testContext());
    assert.deepEqual(await f.snapshotNames('DC0_H0_VM0'), ['nightly']);
  });
});
