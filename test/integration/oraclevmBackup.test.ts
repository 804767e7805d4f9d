// Oracle VM VM backup and restore (guide §12.2) against the Manager REST lab and a real sshd serving its repositories.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEED } from '../lab/ovm';
import { VmCloneStorageMappingObj, VmObj } from '../lab/ovm/model';
import { CancelledError, VendorError, isCancel } from '../../src/core/errors';
import { JobContext } from '../../src/core/job';
import { Journal } from '../../src/core/journal';
import { BackupRepository } from '../../src/core/repository';
import { describeBackupOptions } from '../../src/providers/oraclevm/ovmBackupOptions';
import { OvmFixture, context, filesUnder, startOvmFixture } from './ovmFixture';
import { repositoryLeftovers } from './crashRun';

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('Oracle VM backup and restore (REST lab + OpenSSH peer)', function () {
  this.timeout(120_000);
  let f: OvmFixture;
  afterEach(async () => {
    await f?.close();
  });

  /** No clone left on the Manager and nothing in the backup repository's folder. */
  function assertNoClone(): void {
    const vms = (f.lab.store.all('Vm') as VmObj[]).map((v) => v.name).sort();
    assert.deepEqual(vms, [SEED.hostile, SEED.stopped, SEED.running].sort());
    assert.deepEqual(filesUnder(f.repoFolder(SEED.backupRepository)), []);
    assert.deepEqual(f.lab.store.repoByName(SEED.backupRepository).virtualDiskIds, []);
    assert.deepEqual(f.lab.store.all('VmCloneDefinition'), [], 'the clone customizer deleted');
    assert.deepEqual(f.lab.store.all('VmCloneStorageMapping'), [], 'its storage mappings deleted');
  }

  /** The journal entry a backup of `vm` writes before it asks the Manager for anything (tests then kill it). */
  function beginEntry(journal: Journal, vm: { id: string; name: string }) {
    return journal.begin({
      connection: 'ovm',
      platform: 'oraclevm',
      vm: { id: vm.id, uuid: vm.id, name: vm.name },
      before: f.lab.store.all('Vm').map((v) => v.id.value),
    });
  }

  /** The storage mappings of every clone customizer the lab saw made (cloneType and repository name), in order. */
  function recordMappings(): Array<{ cloneType: string; repository: string; customizer: string }> {
    const seen: Array<{ cloneType: string; repository: string; customizer: string }> = [];
    const put = f.lab.store.put.bind(f.lab.store);
    f.lab.store.put = (o) => {
      if (o.id.type === 'VmCloneStorageMapping') {
        const m = o as VmCloneStorageMappingObj;
        seen.push({
          cloneType: m.cloneType,
          repository: f.lab.store.name(m.repositoryId!),
          customizer: f.lab.store.name(m.vmCloneDefinitionId),
        });
      }
      put(o);
    };
    return seen;
  }

  it('cold clone of a stopped VM: the clone goes into the backup repository, its files are copied with their sha256, then it is deleted; the trade-off is logged first', async () => {
    f = await startOvmFixture({ diskBytes: 3 * 1024 * 1024 + 5 });
    const db = f.lab.store.vmByName(SEED.stopped);
    const mappings = recordMappings();
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(
      db.id.value,
      { repository: f.repo, method: 'cold-clone', cloneRepository: SEED.backupRepository },
      ctx,
    );
    assert.match(log[0], /^Cold clone, then back up the clone’s files \(recommended by the guide, §12\.2\)/);
    // Redirected to the backup repository the documented way: a clone customizer with a SPARSE_COPY storage mapping.
    assert.deepEqual(
      mappings.map((m) => [m.cloneType, m.repository]),
      [['SPARSE_COPY', SEED.backupRepository]],
    );
    assert.ok(
      f.lab.requests.some((r) => /^PUT \/ovm\/core\/wsapi\/rest\/Vm\/[^/]+\/clone\?.*vmCloneDefinitionId=/.test(r)),
      f.lab.requests.join('\n'),
    );
    assert.ok(
      log.some((l) => /SPARSE_COPY of 1 virtual disk\(s\) into backup-repo \(a cold clone/.test(l)),
      log.join('\n'),
    );
    assert.match(log[0], /\+ The virtual disks are consistent\.\n {2}- The virtual machine must be stopped\./);
    assert.equal(entry.manifest?.platform, 'oraclevm');
    assert.equal(entry.manifest?.source.vm?.uuid, db.id.value);
    const names = entry.files.map((x) => x.name);
    assert.equal(names[0], 'vm.cfg');
    assert.equal(names.length, 2);
    // The disk's bytes are the source disk's (the clone is a copy of it).
    const sourceDisk = path.join(f.repoFolder(SEED.repository), 'VirtualDisks');
    const srcHashes = fs.readdirSync(sourceDisk).map((n) => sha(path.join(sourceDisk, n)));
    assert.ok(srcHashes.includes(entry.files[1].sha256!));
    assert.equal(entry.files[1].bytes, 3 * 1024 * 1024 + 5);
    assert.equal(sha(path.join(entry.dir, names[1])), entry.files[1].sha256);
    assert.match(fs.readFileSync(path.join(entry.dir, 'vm.cfg'), 'utf8'), /OVM_simple_name = "db01\.0"/);
    assert.deepEqual((await new BackupRepository(f.repo).verify(entry)).problems, []);
    assertNoClone();
    assert.deepEqual(repositoryLeftovers(f.repo), []);
    assert.ok(
      f.lab.requests.some((r) => /^DELETE \/ovm\/core\/wsapi\/rest\/Repository\/[^/]+\/VirtualDisk\//.test(r)),
      'the clone’s disk was deleted by the tool',
    );
    assert.equal(f.lab.store.vmByName(SEED.stopped).vmRunState, 'STOPPED');

    // The manifest records the backed-up VM's MACs (its own vm.cfg), not the clone's, which the Manager made new; a
    // restore keeping the MACs gives the original's, and warns that the original still exists.
    const macOf = (cfg: string) => /mac=([0-9a-f:]+)/i.exec(cfg)?.[1];
    const originalMac = macOf(
      fs.readFileSync(path.join(f.repoFolder(SEED.repository), 'VirtualMachines', db.id.value, 'vm.cfg'), 'utf8'),
    );
    assert.ok(originalMac);
    assert.notEqual(macOf(fs.readFileSync(path.join(entry.dir, 'vm.cfg'), 'utf8')), originalMac, "the clone's own MAC");
    assert.deepEqual(
      entry.manifest?.source.vm?.macs?.map((n) => n.mac),
      [originalMac],
    );
    const r = context();
    const restored = await f.provider.restoreVm(
      entry,
      { storageId: SEED.repository, name: 'db01-macs', mode: 'keepMacs' },
      r.ctx,
    );
    const restoredCfg = path.join(f.repoFolder(SEED.repository), 'VirtualMachines', restored.id, 'vm.cfg');
    assert.equal(macOf(fs.readFileSync(restoredCfg, 'utf8')), originalMac);
    assert.ok(
      r.log.some((l) =>
        /^warning: the original VM "db01" still exists on the Manager with the same MAC addresses/.test(l),
      ),
      r.log.join('\n'),
    );
  });

  it('a running VM is refused for a cold clone with the Manager’s OVMRU_005002E verbatim; nothing is left; with stop it is stopped, cloned, started again and backed up', async () => {
    f = await startOvmFixture();
    const web = f.lab.store.vmByName(SEED.running);
    const err = await f.provider
      .backupVm(web.id.value, { repository: f.repo, cloneRepository: SEED.backupRepository }, context().ctx)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof VendorError, String(err));
    assert.equal(err.code, 'OVMRU_005002E');
    assert.match(
      err.message,
      /^connection "ovm", host "127\.0\.0\.1:\d+", VM "web01": OVMRU_005002E \[com\.oracle\.ovm\.mgr\.api\.exception\.RuleException: OVMRU_005002E Operation not allowed- Virtual Machine: web01, is not STOPPED\. It is RUNNING\. \[/,
    );
    assertNoClone();
    assert.deepEqual(filesUnder(f.repo), []);
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(
      web.id.value,
      { repository: f.repo, stop: true, cloneRepository: SEED.backupRepository },
      ctx,
    );
    assert.ok(log.some((l) => l === 'stopping web01 (it is RUNNING)'));
    // started again once its clone existed, before the clone's files were copied
    const started = log.indexOf('starting web01 again (this backup stopped it)');
    assert.ok(started > 0 && started < log.findIndex((l) => l.startsWith('copying ')), log.join('\n'));
    assert.equal(f.lab.store.vmByName(SEED.running).vmRunState, 'RUNNING');
    assert.equal(entry.files.length, 3);
    assertNoClone();
  });

  it('a Manager clone job that fails mid-way: its error verbatim, nothing left in either repository', async () => {
    f = await startOvmFixture();
    f.lab.addJobFault({
      match: 'Clone Vm',
      atStep: 1,
      message:
        'com.oracle.ovm.mgr.api.exception.OVMException: OVMAPI_4010E Attempt to send command: copy to server: ovs1 failed.',
    });
    const db = f.lab.store.vmByName(SEED.stopped);
    await assert.rejects(
      f.provider.backupVm(db.id.value, { repository: f.repo, cloneRepository: SEED.backupRepository }, context().ctx),
      (e: unknown) =>
        e instanceof VendorError && e.code === 'OVMAPI_4010E' && /Attempt to send command/.test(e.message),
    );
    assertNoClone();
    assert.deepEqual(filesUnder(f.repo), []);
  });

  it('cancel while the Manager clones: the job is aborted (abortedByUser), nothing left in the backup repository or the product’s', async () => {
    f = await startOvmFixture({ jobStepMs: 300 });
    const db = f.lab.store.vmByName(SEED.stopped);
    const ac = new AbortController();
    const { ctx } = context((m) => {
      if (m?.startsWith('Cloning virtual disk')) ac.abort();
    }, ac.signal);
    await assert.rejects(
      f.provider.backupVm(db.id.value, { repository: f.repo, cloneRepository: SEED.backupRepository }, ctx),
      CancelledError,
    );
    const job = f.lab.store.jobs().find((j) => j.name === `Clone Vm: ${SEED.stopped}`)!;
    assert.equal(job.abortedByUser, true);
    assert.equal(job.jobRunState, 'FAILURE');
    assertNoClone();
    assert.deepEqual(filesUnder(f.repo), []);
  });

  it('cancel before the clone is asked for: the customizer deleted, nothing said to be left (no clone was asked for)', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    const ac = new AbortController();
    const log: string[] = [];
    const ctx: JobContext = {
      signal: ac.signal,
      log: (l) => {
        log.push(l);
        if (l.startsWith('clone customizer "')) ac.abort(); // the customizer is being made; the clone not asked yet
      },
      progress: () => undefined,
      warn: (l) => log.push(`warning: ${l}`),
    };
    await assert.rejects(
      f.provider.backupVm(
        db.id.value,
        { repository: f.repo, method: 'cold-clone', cloneRepository: SEED.backupRepository },
        ctx,
      ),
      (e: unknown) => isCancel(e),
    );
    assert.ok(!log.some((l) => /left for Clean Up/.test(l)), log.join('\n'));
    assert.ok(!f.lab.requests.some((r) => /^PUT .*\/Vm\/[^/]+\/clone\?/.test(r)), 'no clone asked for');
    assert.deepEqual(f.lab.store.all('VmCloneDefinition'), [], 'the customizer deleted');
    assert.deepEqual(new Journal(f.repo).list().entries, [], 'the journal entry completed');
  });

  it('cancel while the clone’s disk streams over SFTP: no .part, no folder, the clone and its disk deleted', async () => {
    f = await startOvmFixture({ diskBytes: 64 * 1024 * 1024 });
    const db = f.lab.store.vmByName(SEED.stopped);
    const ac = new AbortController();
    const { ctx } = context((_m, bytes) => {
      if (bytes > 0) ac.abort();
    }, ac.signal);
    await assert.rejects(
      f.provider.backupVm(db.id.value, { repository: f.repo, cloneRepository: SEED.backupRepository }, ctx),
      CancelledError,
    );
    assertNoClone();
    assert.deepEqual(filesUnder(f.repo), []);
  });

  it('copy of the stopped VM’s own files: no clone; a running VM is refused (VM_NOT_STOPPED) before anything is made', async () => {
    f = await startOvmFixture();
    const web = f.lab.store.vmByName(SEED.running);
    await assert.rejects(
      f.provider.backupVm(web.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx),
      (e: unknown) => e instanceof VendorError && e.code === 'VM_NOT_STOPPED' && /web01/.test(e.message),
    );
    assert.deepEqual(filesUnder(f.repo), []);
    const db = f.lab.store.vmByName(SEED.stopped);
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, ctx);
    assert.match(log[0], /^Copy the stopped VM’s files/);
    const cfg = path.join(f.repoFolder(SEED.repository), 'VirtualMachines', db.id.value, 'vm.cfg');
    assert.equal(entry.files[0].sha256, sha(cfg));
    assert.equal(f.lab.store.all('Vm').length, 3);
    assert.ok(!f.lab.requests.some((r) => r.includes('/clone')));
  });

  it('hot clone of a running VM on OCFS2: refused without confirmation before anything is asked; confirmed, its warning in the job log, the clone’s files copied, the clone deleted, the VM still RUNNING', async () => {
    f = await startOvmFixture({ diskBytes: 2 * 1024 * 1024 + 3 });
    const web = f.lab.store.vmByName(SEED.running);
    // The repository's disks and ISOs before the clone: after it, the same (the clone's disks deleted).
    const disksBefore = [...f.lab.store.repoByName(SEED.repository).virtualDiskIds];
    await assert.rejects(
      f.provider.backupVm(web.id.value, { repository: f.repo, method: 'hot-clone' }, context().ctx),
      (e: unknown) =>
        e instanceof VendorError && e.code === 'HOT_CLONE_NOT_CONFIRMED' && /Oracle Database/.test(e.message),
    );
    assert.ok(!f.lab.requests.some((r) => /^PUT .*\/(clone|stop)/.test(r)), 'nothing asked of the Manager');
    const mappings = recordMappings();
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(
      web.id.value,
      { repository: f.repo, method: 'hot-clone', confirmed: true },
      ctx,
    );
    assert.match(log[0], /^Hot clone of the running VM/);
    // Through a clone customizer (Concepts Guide §7.6): THIN_CLONE of each disk within its OCFS2 repository, named for
    // the journal entry's marker; the clone asked for with it.
    assert.deepEqual(
      mappings.map((m) => [m.cloneType, m.repository]),
      [
        ['THIN_CLONE', SEED.repository],
        ['THIN_CLONE', SEED.repository],
      ],
    );
    assert.match(mappings[0].customizer, /^vmbackup-[\w-]{12}$/);
    assert.ok(
      f.lab.requests.some((r) => /^PUT \/ovm\/core\/wsapi\/rest\/Vm\/[^/]+\/clone\?.*vmCloneDefinitionId=/.test(r)),
      f.lab.requests.join('\n'),
    );
    assert.ok(
      log.some((l) => /THIN_CLONE of 2 virtual disk\(s\) into repo1 \(a hot clone: OCFS2 thin clones/.test(l)),
      log.join('\n'),
    );
    assert.deepEqual(f.lab.store.all('VmCloneDefinition'), [], 'the customizer deleted after the clone');
    assert.ok(
      log.some((l) => /^warning: hot clone of web01 while it is RUNNING: .*inconsistent.*Oracle Database/.test(l)),
      log.join('\n'),
    );
    assert.deepEqual(entry.files.map((x) => x.name).length, 3, 'vm.cfg and the clone’s two disk images');
    assert.match(fs.readFileSync(path.join(entry.dir, 'vm.cfg'), 'utf8'), /OVM_simple_name = "web01\.0"/);
    assert.deepEqual((await new BackupRepository(f.repo).verify(entry)).problems, []);
    assert.equal(f.lab.store.vmByName(SEED.running).vmRunState, 'RUNNING', 'never stopped');
    assert.ok(!f.lab.requests.some((r) => /^PUT .*\/stop/.test(r)));
    assert.deepEqual(
      (f.lab.store.all('Vm') as VmObj[]).map((v) => v.name).sort(),
      [SEED.hostile, SEED.stopped, SEED.running].sort(),
      'the clone was deleted',
    );
    assert.deepEqual(f.lab.store.repoByName(SEED.repository).virtualDiskIds, disksBefore, 'the clone’s disks deleted');
    assert.deepEqual(new Journal(f.repo).list().entries, [], 'the journal entry completed');
  });

  it('hot clone of a STOPPED VM: consistent, so no inconsistency warning (the job is not a warning)', async () => {
    f = await startOvmFixture();
    const web = f.lab.store.vmByName(SEED.running);
    web.vmRunState = 'STOPPED'; // as after a clean stop
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(
      web.id.value,
      { repository: f.repo, method: 'hot-clone', confirmed: true },
      ctx,
    );
    assert.ok(entry.manifest);
    assert.ok(!log.some((l) => l.startsWith('warning:')), log.join('\n'));
    assert.ok(
      log.includes("web01 is STOPPED: its hot clone is consistent, as a cold clone's would be"),
      log.join('\n'),
    );
  });

  it('hot clone refused by the Manager (its job error verbatim) when the clone’s repository or the VM’s disks are not on OCFS2; nothing left, the customizer deleted', async () => {
    f = await startOvmFixture();
    const web = f.lab.store.vmByName(SEED.running);
    // The backup repository is NFS: the THIN_CLONE storage mapping into it is refused.
    await assert.rejects(
      f.provider.backupVm(
        web.id.value,
        { repository: f.repo, method: 'hot-clone', confirmed: true, cloneRepository: SEED.backupRepository },
        context().ctx,
      ),
      (e: unknown) =>
        e instanceof VendorError &&
        /RuleException: .*THIN_CLONE needs an OCFS2 repository: backup-repo/.test(e.message) &&
        (e.message.match(/web01/g) ?? []).length === 1,
    );
    assertNoClone();
    // The VM's own repository made NFS too (a lab change of the seed).
    f.lab.store.repoByName(SEED.repository).fileSystemType = 'NFS';
    await assert.rejects(
      f.provider.backupVm(web.id.value, { repository: f.repo, method: 'hot-clone', confirmed: true }, context().ctx),
      (e: unknown) => e instanceof VendorError && /THIN_CLONE needs an OCFS2 repository: repo1/.test(e.message),
    );
    assertNoClone();
    assert.deepEqual(repositoryLeftovers(f.repo), []);
    assert.deepEqual(new Journal(f.repo).list().entries, []);
  });

  it('lab: the Manager refuses the plain clone of a RUNNING VM (no customizer) with OVMRU_005002E, and a customizer that leaves a disk without a clone type', async () => {
    f = await startOvmFixture();
    const { cloneVm } = await import('../../src/providers/oraclevm/ovmVmActions');
    const { createCloneCustomizer } = await import('../../src/providers/oraclevm/ovmCloneCustomizer');
    const { getVm, listVmDiskMappings } = await import('../../src/providers/oraclevm/ovmInventory');
    const c = f.provider.client;
    const web = await getVm(c, f.lab.store.vmByName(SEED.running).id.value);
    const notStopped = (e: unknown) =>
      e instanceof VendorError &&
      /OVMRU_005002E Operation not allowed- Virtual Machine: web01, is not STOPPED\. It is RUNNING\./.test(e.message);
    await assert.rejects(cloneVm(c, web, { serverPoolId: web.serverPoolId!.value }), notStopped);
    const [first] = await listVmDiskMappings(c, web.id.value);
    const repo1 = f.lab.store.repoByName(SEED.repository).id.value;
    const half = await createCloneCustomizer(c, web, 'half', 'THIN_CLONE', [
      { mappingId: first.id.value, repositoryId: repo1 },
    ]);
    await assert.rejects(
      cloneVm(c, web, { serverPoolId: web.serverPoolId!.value, vmCloneDefinitionId: half }),
      notStopped,
    );
    assert.equal(f.lab.store.all('Vm').length, 3, 'no clone made');
  });

  it('Clean Up deletes the clone customizer a killed backup named for its journal entry, and no other customizer', async () => {
    f = await startOvmFixture();
    const { createCloneCustomizer, customizerName } = await import('../../src/providers/oraclevm/ovmCloneCustomizer');
    const { getVm, listVmDiskMappings } = await import('../../src/providers/oraclevm/ovmInventory');
    const c = f.provider.client;
    const web = await getVm(c, f.lab.store.vmByName(SEED.running).id.value);
    const disks = (await listVmDiskMappings(c, web.id.value)).map((m) => ({
      mappingId: m.id.value,
      repositoryId: f.lab.store.repoByName(SEED.repository).id.value,
    }));
    // What a backup killed right after its customizer was made leaves: the intent entry (owner a dead pid, no job).
    const journal = new Journal(f.repo);
    const entry = await beginEntry(journal, { id: web.id.value, name: web.name });
    await journal.update(entry, { owner: { host: entry.owner.host, pid: 2 ** 22 + 1 } });
    await createCloneCustomizer(c, web, customizerName(entry.marker), 'THIN_CLONE', disks);
    journal.release(entry);
    // A user's customizer on the same VM, and one whose name only contains the marker: never ours.
    await createCloneCustomizer(c, web, 'gold-image', 'SPARSE_COPY', disks);
    await createCloneCustomizer(c, web, `x-${customizerName(entry.marker)}`, 'SPARSE_COPY', disks);
    const dry = await f.provider.cleanup({ repository: f.repo, dryRun: true }, context().ctx);
    assert.deepEqual(
      dry.filter((i) => /customizer/.test(i.what)).map((i) => [i.action, i.what.replace(/\(.*?\)/, '()')]),
      [['would delete', `clone customizer "${customizerName(entry.marker)}" () of VM "web01"`]],
    );
    assert.equal(f.lab.store.all('VmCloneDefinition').length, 3, 'a dry run deletes nothing');
    await f.provider.cleanup({ repository: f.repo }, context().ctx);
    assert.deepEqual((f.lab.store.all('VmCloneDefinition') as Array<{ name: string }>).map((d) => d.name).sort(), [
      'gold-image',
      `x-${customizerName(entry.marker)}`,
    ]);
    assert.equal(f.lab.store.all('VmCloneStorageMapping').length, 4, 'only the deleted customizer’s mappings went');
    assert.deepEqual(new Journal(f.repo).list().entries, [], 'the entry completed');
  });

  it('describeBackupOptions gives every trade-off; the OVA export is declared only on a connection with the Manager CLI', async () => {
    f = await startOvmFixture();
    const opts = describeBackupOptions();
    assert.deepEqual(
      opts.map((o) => [o.method, o.available]),
      [
        ['cold-clone', true],
        ['copy-stopped', true],
        ['hot-clone', true],
        ['ova-export', false],
      ],
    );
    assert.match(opts.find((o) => o.method === 'ova-export')!.why!, /managerHost\.cliPort/);
    assert.equal(describeBackupOptions({ cli: true }).find((o) => o.method === 'ova-export')!.available, true);
    const hot = opts.find((o) => o.method === 'hot-clone')!;
    assert.ok(hot.disadvantages.some((d) => /OCFS2/.test(d)));
    assert.ok(hot.disadvantages.some((d) => /Oracle Database/.test(d)));
    // The fixture's connection has the Manager CLI (managerHost.cliPort, cliHostKey).
    const declared = f.provider.capabilities.backupMethods!;
    assert.deepEqual(
      declared.map((m) => [m.id, !!m.needsStopped, !!m.confirm]),
      [
        ['cold-clone', true, false],
        ['copy-stopped', true, false],
        ['hot-clone', false, true],
        ['ova-export', true, false],
      ],
    );
    assert.ok(
      declared.every((m) => /^\+ .* − /.test(m.tradeOff)),
      'each with its advantages and disadvantages',
    );
  });

  it('hostile: a VM named with quotes, $() and a newline backs up into a safe folder; a disk path with ../ is refused before anything is read', async () => {
    f = await startOvmFixture();
    const evil = f.lab.store.vmByName(SEED.hostile);
    const entry = await f.provider.backupVm(
      evil.id.value,
      { repository: f.repo, cloneRepository: SEED.backupRepository },
      context().ctx,
    );
    assert.equal(entry.vmName, SEED.hostile);
    assert.ok(!path.relative(f.repo, entry.dir).includes('$('));
    assert.ok(!fs.existsSync('/tmp/pwned'));
    assertNoClone();
    // A Manager that names a disk outside VirtualDisks/.
    const db = f.lab.store.vmByName(SEED.stopped);
    const diskId = f.lab.store.get<{ virtualDiskId: { value: string } } & VmObj>(
      'VmDiskMapping',
      db.vmDiskMappingIds[0].value,
    )!.virtualDiskId.value;
    (f.lab.store.get('VirtualDisk', diskId) as unknown as { path: string }).path = '/VirtualDisks/../../../etc/passwd';
    await assert.rejects(
      f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx),
      (e: unknown) => e instanceof VendorError && e.code === 'UNSAFE_REPOSITORY_PATH',
    );
    assert.deepEqual(
      filesUnder(f.repo).filter((x) => !x.includes(path.basename(entry.dir))),
      [],
    );
  });

  it('restore: files into a repository over SFTP, the Manager’s refresh imports the VM, it joins the pool with the new name, networks mapped and new MACs', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    const entry = await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx);
    const { ctx, log } = context();
    const vm = await f.provider.restoreVm(
      entry,
      {
        storageId: SEED.repository,
        name: `db01 "restored" $(x)`,
        networkMap: { [SEED.network]: SEED.otherNetwork.name },
      },
      ctx,
    );
    assert.equal(vm.name, `db01 "restored" $(x)`);
    const lab = f.lab.store.get<VmObj>('Vm', vm.id)!;
    assert.equal(lab.vmRunState, 'STOPPED');
    assert.equal(lab.serverPoolId?.value, db.serverPoolId?.value);
    assert.ok(
      f.lab.store
        .all('ServerPool')
        .some((p) => (p as unknown as { vmIds: { value: string }[] }).vmIds.some((r) => r.value === vm.id)),
    );
    assert.equal(lab.vmDiskMappingIds.length, 1);
    const cfg = fs.readFileSync(path.join(f.repoFolder(SEED.repository), 'VirtualMachines', vm.id, 'vm.cfg'), 'utf8');
    assert.match(cfg, new RegExp(`bridge=${SEED.otherNetwork.id}`));
    assert.doesNotMatch(cfg, new RegExp(db.id.value));
    const oldMac = /mac=([0-9a-f:]+)/.exec(fs.readFileSync(path.join(entry.dir, 'vm.cfg'), 'utf8'))![1];
    assert.doesNotMatch(cfg, new RegExp(oldMac));
    const mapping = f.lab.store.get<{ virtualDiskId: { value: string } } & VmObj>(
      'VmDiskMapping',
      lab.vmDiskMappingIds[0].value,
    )!;
    const restoredDisk = path.join(f.repoFolder(SEED.repository), 'VirtualDisks', mapping.virtualDiskId.value);
    assert.equal(sha(restoredDisk), entry.files[1].sha256);
    assert.ok(log.some((l) => l.startsWith('refreshing repository')));
    assert.deepEqual(
      filesUnder(f.repoFolder(SEED.repository)).filter((x) => x.endsWith('.part')),
      [],
    );
  });

  it('restore refuses a vm.cfg whose disk has a traversal path, before anything is written', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    const entry = await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx);
    const cfgFile = path.join(entry.dir, 'vm.cfg');
    const disk = entry.files[1].name;
    const hostile = fs
      .readFileSync(cfgFile, 'utf8')
      .replace(`/VirtualDisks/${disk}`, `/VirtualDisks/../../../../etc/${disk}`);
    fs.writeFileSync(cfgFile, hostile);
    // a hostile backup's manifest matches its files: the vm.cfg check, not the sha256 one, must refuse it
    const digest = createHash('sha256').update(hostile).digest('hex');
    for (const x of [...entry.files, ...entry.manifest!.files]) if (x.name === 'vm.cfg') x.sha256 = digest;
    const before = filesUnder(f.repoFolder(SEED.repository));
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository }, context().ctx),
      (e: unknown) => e instanceof VendorError && e.code === 'UNSAFE_VM_CFG',
    );
    assert.deepEqual(filesUnder(f.repoFolder(SEED.repository)), before);
    assert.ok(!f.lab.requests.some((r) => r.includes('/refresh')));
  });

  it('a restore whose Manager refresh fails removes exactly the files it wrote', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    const entry = await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx);
    const before = filesUnder(f.repoFolder(SEED.repository));
    f.lab.addJobFault({
      match: 'Refresh Repository',
      atStep: 0,
      message: 'com.oracle.ovm.mgr.api.exception.OVMException: OVMAPI_4010E refresh failed',
    });
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository }, context().ctx),
      (e: unknown) => e instanceof VendorError && e.code === 'OVMAPI_4010E',
    );
    assert.deepEqual(filesUnder(f.repoFolder(SEED.repository)), before);
    assert.equal(f.lab.store.all('Vm').length, 3);
  });

  it('cleanup deletes the clone a dead job’s journal names (found through its recorded Manager job), and never the backed-up VM', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    // What a job killed after the clone finished leaves: its entry (owner a dead pid) with the job id.
    const { cloneVm } = await import('../../src/providers/oraclevm/ovmVmActions');
    const { getVm } = await import('../../src/providers/oraclevm/ovmInventory');
    const journal = new Journal(f.repo);
    const entry = await beginEntry(journal, { id: db.id.value, name: db.name });
    await cloneVm(f.provider.client, await getVm(f.provider.client, db.id.value), {
      serverPoolId: db.serverPoolId!.value,
      repositoryId: f.lab.store.repoByName(SEED.backupRepository).id.value,
      submitted: async (job) => {
        await journal.update(entry, { job: job.id.value, owner: { host: entry.owner.host, pid: 2 ** 22 + 1 } });
      },
    });
    journal.release(entry);
    assert.equal(f.lab.store.all('Vm').length, 4);
    const dry = await f.provider.cleanup({ repository: f.repo, dryRun: true }, context().ctx);
    assert.deepEqual(
      dry.map((i) => [i.action, i.what.replace(/\(.*\)/, '()')]),
      [
        ['would delete', 'clone "db01.0" ()'],
        ['would delete', 'virtual disk "db01_disk0 ()'],
      ],
    );
    const items = await f.provider.cleanup({ repository: f.repo }, context().ctx);
    assert.deepEqual(
      items.map((i) => i.action),
      ['deleted', 'deleted'],
    );
    assertNoClone();
    assert.equal(f.lab.store.vmByName(SEED.stopped).vmDiskMappingIds.length, 1);
    assert.deepEqual(repositoryLeftovers(f.repo), []);
  });
});
