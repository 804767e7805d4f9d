// VCB over real SSH (test/peers/openssh) with the guide's tools as lab stubs acting on vcsim (test/lab/vcb):
// host key pinning, backuptools.conf checks, vcbVmName, vcbMounter fullvm into the repository (files, sha256,
// manifest; the _VCB_BACKUP_ snapshot present during and gone after), cancel, a hostile VM name, a password prompt.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, UntrustedCertificateError } from '../../src/core/errors';
import { MANIFEST, Manifest } from '../../src/core/manifest';
import { VcbProvider, vcbVmRef } from '../../src/providers/vcb/vcbProvider';
import { VcbFixture, processesOf, startVcbFixture, stopVcbFixture, testContext } from './vcbFixture';
import { tempDir } from '../tempDir';

const VM = 'DC0_H0_VM0';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('VCB over SSH: connect, find, back up', function () {
  this.timeout(300_000);
  let f: VcbFixture;
  let p: VcbProvider | undefined;
  let repo: string;
  let disk: Buffer;

  before(async () => {
    f = await startVcbFixture();
    repo = tempDir('vmbk-vcb-repo-');
    disk = randomBytes(200 * 1024 + 123); // 4 extents of 64 KiB in the lab
    fs.writeFileSync(path.join(await f.dsDir(), VM, 'disk1.vmdk'), disk);
  });
  after(async () => {
    await p?.close();
    await stopVcbFixture(f);
    fs.rmSync(repo, { recursive: true, force: true });
  });
  afterEach(async () => {
    await p?.close();
    p = undefined;
    f.lab.writeConf({ passwordInFile: true, confMode: 0o600, confExtra: [], delayMsPerMiB: 0 });
  });

  it('refuses an unpinned host key with the fingerprint OpenSSH prints, and a changed one', async () => {
    await assert.rejects(f.open({ hostKey: undefined }), (e: UntrustedCertificateError) => {
      assert.equal(e.code, 'SSH_HOST_KEY_UNKNOWN');
      assert.ok(e.message.includes(f.lab.peer.hostKeyFingerprint), e.message);
      return true;
    });
    const other = 'SHA256:' + createHash('sha256').update('another host').digest('base64').replace(/=+$/, '');
    await assert.rejects(
      f.open({ hostKey: other }),
      (e: UntrustedCertificateError) => e.code === 'SSH_HOST_KEY_MISMATCH',
    );
  });

  it('reads backuptools.conf, validates it, and refuses a PASSWORD readable by others', async () => {
    p = await f.open();
    assert.equal(p.config.path, f.lab.confPath);
    assert.equal(p.config.mode, 0o600);
    assert.equal(p.config.settings.hasPassword, true);
    assert.equal(p.config.settings.username, 'administrator@vsphere.local');
    assert.ok(!p.config.text.includes('undefined'));
    await p.close();
    p = undefined;
    f.lab.writeConf({ confMode: 0o644 });
    await assert.rejects(f.open(), /holds PASSWORD but its mode is 0644: run chmod 600/);
  });

  it('finds VMs with vcbVmName (any:, a case-sensitive name:)', async () => {
    p = await f.open();
    const ctx = testContext();
    const all = await p.findVms('any:', ctx);
    assert.equal(all.length, (await f.inventory()).vms.length);
    const vm = await f.vm(VM);
    assert.deepEqual(await p.findVms(`name:${VM}`, ctx), [{ moref: vm.id, name: VM, uuid: vm.uuid, ipaddr: '' }]);
    assert.deepEqual(await p.findVms(`name:${VM.toLowerCase()}`, ctx), []);
  });

  it('backs up into the repository: split .vmdk + catalog + manifest with sha256; _VCB_BACKUP_ during, gone after', async () => {
    f.lab.writeConf({ delayMsPerMiB: 4000 }); // about 1 s for the disk: time to see the snapshot
    p = await f.open();
    const vm = await f.vm(VM);
    let seenSnapshot = false;
    const watch = setInterval(() => {
      f.snapshotNames(VM).then(
        (n) => (seenSnapshot ||= n.includes('_VCB_BACKUP_')),
        () => undefined,
      );
    }, 100);
    const ctx = testContext();
    let r;
    try {
      r = await p.backup(vcbVmRef(vm), { kind: 'repository', repository: repo }, ctx);
    } finally {
      clearInterval(watch);
    }
    assert.ok(seenSnapshot, 'the backup snapshot was in vSphere during the backup');
    assert.deepEqual(await f.snapshotNames(VM), [], 'and is gone after');
    const dir = r.localDir!;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    assert.equal(manifest.platform, 'vcb');
    assert.equal(manifest.source.vm?.name, VM);
    const names = manifest.files.map((x) => x.name).sort();
    assert.ok(names.includes('catalog') && names.includes(`${VM}.vmx`), names.join());
    const extents = names.filter((n) => /^scsi0-0-0-disk1-s\d{3}\.vmdk$/.test(n));
    assert.equal(extents.length, 4);
    for (const m of manifest.files) assert.equal(sha(fs.readFileSync(path.join(dir, m.name))), m.sha256);
    assert.deepEqual(Buffer.concat(extents.map((n) => fs.readFileSync(path.join(dir, n)))), disk);
    assert.ok(
      ctx.progressed.some((b) => b > 0),
      'progress from the destination',
    );
    const pulled = ctx.messages.filter((m) => m.startsWith('SFTP ')).map((m) => m.slice(5));
    assert.equal(
      pulled[pulled.length - 1],
      'catalog',
      'the catalog is pulled last (a killed pull never looks complete)',
    );
    assert.ok(pulled.includes(`${VM}.vmx`));
    assert.deepEqual(fs.readdirSync(f.host.stagingDir!), [], 'the staging export was removed');
    const catalog = fs.readFileSync(path.join(dir, 'catalog'), 'utf8');
    assert.match(catalog, /^config\.vmx= "\[LocalDS_0\] DC0_H0_VM0\/DC0_H0_VM0\.vmx"$/m);
  });

  it('cancel mid-backup: the tool is killed, vcbCleanup runs, no export folder, no snapshot, no repository folder', async () => {
    f.lab.writeConf({ delayMsPerMiB: 60_000 }); // 64 KiB per ~4 s: cancel after the first extent
    p = await f.open();
    const vm = await f.vm(VM);
    const before = fs.readdirSync(repo);
    const ctx = testContext((b) => b > 0);
    await assert.rejects(p.backup(vcbVmRef(vm), { kind: 'repository', repository: repo }, ctx), CancelledError);
    assert.deepEqual(await f.snapshotNames(VM), [], 'no _VCB_BACKUP_ left');
    assert.deepEqual(fs.readdirSync(f.host.stagingDir!), [], 'no export folder left');
    assert.deepEqual(fs.readdirSync(repo), before, 'nothing in the repository');
    assert.ok(
      ctx.lines.some((l) => l.includes('vcbCleanup -y ran')),
      ctx.lines.join('\n') + '\n' + ctx.lines.length,
    );

    assert.equal(processesOf(f.lab.peer.user).filter((c) => c.includes('vcbMounter')).length, 0);
  });

  it('a VM name with shell metacharacters reaches vcbMounter as one argument (name: search)', async () => {
    const hostile = `it's $(touch vmbk-vcb-pwned); \`touch vmbk-vcb-pwned\` * "q" & | > x`;
    const ds = await f.dsDir();
    fs.mkdirSync(path.join(ds, 'hostile'));
    fs.writeFileSync(path.join(ds, 'hostile', 'hostile.vmx'), `displayName = "x"\n`);
    fs.copyFileSync(path.join(ds, VM, 'disk1.vmdk'), path.join(ds, 'hostile', 'disk1.vmdk'));
    f.helper(
      'register',
      '',
      '[LocalDS_0] hostile/hostile.vmx',
      hostile,
      '/Datacenters/DC0/vm',
      '/Datacenters/DC0/host/DC0_H0/Resources',
      'DC0_H0',
    );
    p = await f.open({ searchBy: 'name' });
    const vm = await f.vm(hostile);
    const dest = path.join(f.lab.backups, 'hostile-export');
    const r = await p.backup(vcbVmRef(vm), { kind: 'folder', path: dest }, testContext());
    assert.ok(r.files.some((x) => x.name === 'catalog'));
    for (const d of [f.lab.peer.dir, f.lab.peer.files, f.lab.backups])
      assert.ok(!fs.existsSync(path.join(d, 'vmbk-vcb-pwned')), 'nothing ran from the name');
    assert.deepEqual(await f.snapshotNames(hostile), []);
  });

  it("backs up to another host by scp:// (the guide's key-based scp plugin)", async () => {
    p = await f.open();
    const vm = await f.vm(VM);
    const target = path.join(f.lab.peer.files, 'scp-target');
    const url = `scp://${f.lab.peer.user}@${f.lab.scpHost}:${target}`;
    const r = await p.backup(vcbVmRef(vm), { kind: 'scp', url }, testContext());
    assert.equal(r.destination.kind, 'scp');
    assert.ok(fs.existsSync(path.join(target, 'catalog')), 'the export arrived on the other host');
    assert.deepEqual(await f.snapshotNames(VM), []);
  });

  it('MAX_RETRIES/BACKOFF_TIME: a busy snapshot is retried by the tool; the job says so and waits for it', async () => {
    f.lab.writeConf({ confExtra: ['MAX_RETRIES=2', 'BACKOFF_TIME=1'] });
    f.lab.setBusy(2);
    p = await f.open();
    assert.equal(p.config.settings.maxRetries, 2);
    assert.ok(p.session.idleMs() >= 61_000, 'the idle limit covers BACKOFF_TIME');
    const ctx = testContext();
    await p.backup(vcbVmRef(await f.vm(VM)), { kind: 'folder', path: path.join(f.lab.backups, 'retried') }, ctx);
    assert.ok(
      ctx.lines.some((l) => /retries a failed operation up to 2 times, 1 s apart/.test(l)),
      ctx.lines.join('\n'),
    );
    assert.ok(
      ctx.lines.some((l) => /resource busy/.test(l)),
      "the tool's retry lines are in the job log",
    );
    assert.equal(fs.readFileSync(f.lab.busyFile, 'utf8'), '');
  });

  it('a destination whose parent does not exist: no "removed the unfinished export folder" for a folder never made', async () => {
    p = await f.open();
    const dest = path.join(f.lab.backups, 'no-such-parent', 'web01');
    const ctx = testContext();
    await assert.rejects(
      p.backup(vcbVmRef(await f.vm(VM)), { kind: 'folder', path: dest }, ctx),
      /parent directory .* does not exist/,
    );
    assert.ok(!fs.existsSync(path.dirname(dest)));
    assert.deepEqual(
      ctx.lines.filter((l) => /removed|could not remove/.test(l)),
      [],
    );
  });

  it("with MAX_RETRIES=0 (the default) the busy snapshot fails the job with the tool's message", async () => {
    f.lab.setBusy(1);
    p = await f.open();
    const dest = path.join(f.lab.backups, 'not-retried');
    await assert.rejects(
      p.backup(vcbVmRef(await f.vm(VM)), { kind: 'folder', path: dest }, testContext()),
      /vcbMounter exited with 1: .*resource busy/,
    );
    assert.ok(!fs.existsSync(dest));
    f.lab.setBusy(0);
  });

  it("answers the tool's password prompt on the channel when backuptools.conf has no PASSWORD", async () => {
    f.lab.writeConf({ passwordInFile: false });
    p = await f.open();
    assert.equal(p.config.settings.hasPassword, false);
    const vm = await f.vm(VM);
    const ctx = testContext();
    const dest = path.join(f.lab.backups, 'prompted');
    await p.backup(vcbVmRef(vm), { kind: 'folder', path: dest }, ctx);
    assert.ok(fs.existsSync(path.join(dest, 'catalog')));
    assert.ok(
      ctx.lines.some((l) => /asked for the password: answered on the channel/.test(l)),
      ctx.lines.join('\n'),
    );
    assert.ok(!ctx.lines.join('\n').includes('vc-secret'), 'the password is not logged');
  });

  it('a password prompt it may not answer ends the tool instead of leaving it waiting', async () => {
    f.lab.writeConf({ passwordInFile: false });
    p = await f.open();
    const other = await VcbProvider.open({ ...f.profile, username: 'someone-else' }, f.host, {
      vcenterPassword: 'x',
      sshPrivateKey: f.lab.peer.privateKey,
    });
    try {
      await assert.rejects(other.findVms('any:', testContext()), /asked .*Password.* no answer was given: ended/);
    } finally {
      await other.close();
    }
  });
});
