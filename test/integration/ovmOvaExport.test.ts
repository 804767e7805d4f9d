// Oracle VM backup as a virtual appliance (OVA) through the Manager CLI's exportVirtualAppliance, against the REST lab,
// its CLI stub and a real sshd serving the repositories (the Oracle VM Server).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { SEED } from '../lab/ovm';
import { VirtualDiskObj, VmDiskMappingObj, VmObj } from '../lab/ovm/model';
import { CancelledError, VendorError } from '../../src/core/errors';
import { Journal } from '../../src/core/journal';
import { applianceName } from '../../src/providers/oraclevm/ovmApplianceCli';
import { parseManagerCliReply, profileCliAccess, runManagerCli } from '../../src/providers/oraclevm/manager/managerCli';
import { OracleVmProvider } from '../../src/providers/oraclevm/ovmProvider';
import { OVM_PASSWORD, OvmFixture, context, filesUnder, startOvmFixture } from './ovmFixture';
import { repositoryLeftovers } from './crashRun';

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** The members of a tar file as tar-stream reads them: name and sha256 (an independent reader of what was stored). */
async function members(file: string): Promise<Array<{ name: string; sha256: string }>> {
  const ex = tar.extract();
  const out: Array<{ name: string; sha256: string }> = [];
  const reading = (async () => {
    for await (const e of ex) {
      const h = createHash('sha256');
      for await (const c of e as AsyncIterable<Buffer>) h.update(c);
      out.push({ name: e.header.name, sha256: h.digest('hex') });
    }
  })();
  fs.createReadStream(file).pipe(ex as unknown as NodeJS.WritableStream);
  await reading;
  return out;
}

describe('Oracle VM backup as a virtual appliance (OVA) through the Manager CLI', function () {
  this.timeout(120_000);
  let f: OvmFixture;
  afterEach(async () => {
    await f?.close();
  });

  const assemblies = () => path.join(f.repoFolder(SEED.backupRepository), 'Assemblies');
  const ova = (extra: object = {}) => ({
    repository: f.repo,
    method: 'ova-export' as const,
    cloneRepository: SEED.backupRepository,
    ...extra,
  });

  /** No appliance on the Manager, none of its files in the repository, nothing in the product's repository. */
  function assertNothingLeft(): void {
    assert.deepEqual([...f.lab.appliances.appliances.values()], [], 'the appliance deleted');
    assert.deepEqual(filesUnder(assemblies()), [], 'no file of the export left in Assemblies');
    assert.deepEqual(filesUnder(f.repo), [], 'nothing in the product’s repository');
  }

  it('a stopped VM: exported by the Manager CLI, its .ova copied (sha256 in the manifest, .ovf first, disks as in the repository), the appliance deleted; the trade-off first; declared with needsStopped', async () => {
    f = await startOvmFixture({ diskBytes: 3 * 1024 * 1024 + 7 });
    const db = f.lab.store.vmByName(SEED.stopped);
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(db.id.value, ova(), ctx);
    assert.match(log[0], /^Export as a virtual appliance \(OVA\): .*exportVirtualAppliance/);
    assert.match(log[0], /\n {2}- A full copy of every disk/);
    assert.equal(entry.files.length, 1);
    const file = path.join(entry.dir, entry.files[0].name);
    assert.match(entry.files[0].name, /^vmbackup-[A-Za-z0-9_-]+\.ova$/);
    assert.equal(entry.files[0].sha256, sha(file));
    assert.equal(entry.files[0].bytes, fs.statSync(file).size);
    const macs = entry.manifest!.source.vm!.macs!;
    assert.ok(macs.length > 0 && macs.every((m) => /^00:21:f6:/.test(m.mac)), JSON.stringify(macs));
    const m = await members(file);
    assert.match(m[0].name, /\.ovf$/);
    assert.match(m[1].name, /\.mf$/);
    const disk = f.lab.store.get<VirtualDiskObj>('VirtualDisk', diskIdOf(db.id.value))!;
    const source = path.join(f.repoFolder(SEED.repository), disk.path);
    assert.equal(m[2].sha256, sha(source), 'the disk image inside the OVA is the VM’s disk');
    assert.ok(
      log.some((l) => /3 members .*2 digests of .*\.mf verified/.test(l)),
      log.join('\n'),
    );
    const exportLine = f.lab.cliLog.find((l) => l.startsWith('exportVirtualAppliance'))!;
    const repoId = f.lab.store.repoByName(SEED.backupRepository).id.value;
    assert.match(
      exportLine,
      new RegExp(`^exportVirtualAppliance Repository id=${repoId} name=vmbackup-[A-Za-z0-9_-]+ vms=${db.id.value}$`),
    );
    assert.ok(f.lab.cliLog.some((l) => /^delete VirtualAppliance id=/.test(l)));
    assert.deepEqual([...f.lab.appliances.appliances.values()], []);
    assert.deepEqual(filesUnder(assemblies()), []);
    assert.deepEqual(repositoryLeftovers(f.repo), []);
    const job = f.lab.store.jobs().find((j) => j.name.startsWith('Export VM(s) to Virtual Appliance: vmbackup-'))!;
    assert.equal(job.jobRunState, 'SUCCESS');
    const declared = f.provider.capabilities.backupMethods!.find((x) => x.id === 'ova-export')!;
    assert.equal(declared.needsStopped, true);
    assert.match(declared.tradeOff, /portable OVF package.*− A full copy of every disk/);
  });

  /** The id of a VM's first virtual disk in the lab. */
  function diskIdOf(vmId: string): string {
    const vm = f.lab.store.get<VmObj>('Vm', vmId)!;
    const mapping = f.lab.store.get<VmDiskMappingObj>('VmDiskMapping', vm.vmDiskMappingIds[0].value)!;
    return mapping.virtualDiskId!.value;
  }

  it('a running VM: refused by the Manager with OVMRU_005002E verbatim, nothing left; with stop it is stopped for the export, started again before the copy', async () => {
    f = await startOvmFixture();
    const web = f.lab.store.vmByName(SEED.running);
    const err = await f.provider.backupVm(web.id.value, ova(), context().ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError, String(err));
    assert.equal(err.code, 'OVMRU_005002E');
    assert.match(err.message, /Operation not allowed- Virtual Machine: web01, is not STOPPED\. It is RUNNING\./);
    assert.match(err.message, /VM "web01"/);
    assertNothingLeft();
    const { ctx, log } = context();
    const entry = await f.provider.backupVm(web.id.value, ova({ stop: true }), ctx);
    assert.ok(log.includes('stopping web01 (it is RUNNING)'));
    // stopped for the export job only: started again before its package is copied
    const started = log.indexOf('starting web01 again (this backup stopped it)');
    assert.ok(started > 0 && started < log.findIndex((l) => l.startsWith('copying Assemblies/')), log.join('\n'));
    assert.equal(f.lab.store.vmByName(SEED.running).vmRunState, 'RUNNING');
    const m = await members(path.join(entry.dir, entry.files[0].name));
    assert.equal(m.length, 4, '.ovf, .mf and the two disks of web01');
  });

  it('an export job that fails: the Manager’s error verbatim, nothing left', async () => {
    f = await startOvmFixture();
    f.lab.addJobFault({
      match: 'Export VM',
      atStep: 1,
      message:
        'com.oracle.ovm.mgr.api.exception.OVMException: OVMAPI_4010E Attempt to send command: export to server: ovs1 failed.',
    });
    const db = f.lab.store.vmByName(SEED.stopped);
    await assert.rejects(
      f.provider.backupVm(db.id.value, ova(), context().ctx),
      (e: unknown) =>
        e instanceof VendorError && e.code === 'OVMAPI_4010E' && /Attempt to send command/.test(e.message),
    );
    assertNothingLeft();
    assert.deepEqual(new Journal(f.repo).list().entries, []);
  });

  it('cancel while the Manager exports: its job aborted (abortedByUser), no appliance, nothing in either repository', async () => {
    f = await startOvmFixture({ jobStepMs: 200 });
    f.lab.exportFaults.slowSteps = 20;
    const db = f.lab.store.vmByName(SEED.stopped);
    const ac = new AbortController();
    const { ctx } = context((m) => {
      if (m?.startsWith('Exporting virtual machine')) ac.abort();
    }, ac.signal);
    await assert.rejects(f.provider.backupVm(db.id.value, ova(), ctx), CancelledError);
    const job = f.lab.store.jobs().find((j) => j.name.startsWith('Export VM(s)'))!;
    assert.equal(job.abortedByUser, true);
    assert.equal(job.jobRunState, 'FAILURE');
    assertNothingLeft();
    assert.deepEqual(new Journal(f.repo).list().entries, []);
  });

  it('cancel while the .ova streams over SFTP: no .part, no folder, the appliance deleted', async () => {
    f = await startOvmFixture({ diskBytes: 64 * 1024 * 1024 });
    const db = f.lab.store.vmByName(SEED.stopped);
    const ac = new AbortController();
    const { ctx } = context((_m, bytes) => {
      if (bytes > 0) ac.abort();
    }, ac.signal);
    await assert.rejects(f.provider.backupVm(db.id.value, ova(), ctx), CancelledError);
    assertNothingLeft();
  });

  it('a member that does not match its .mf line: OVA_INVALID naming it, nothing that looks complete, the appliance deleted', async () => {
    f = await startOvmFixture();
    f.lab.exportFaults.writes = 'corrupt';
    const db = f.lab.store.vmByName(SEED.stopped);
    await assert.rejects(
      f.provider.backupVm(db.id.value, ova(), context().ctx),
      (e: unknown) =>
        e instanceof VendorError &&
        e.code === 'OVA_INVALID' &&
        /member "vmbackup-[^"]+-disk0\.img" does not match its SHA256 digest/.test(e.message),
    );
    assertNothingLeft();
  });

  it('an export that writes nothing (OVA_NOT_FOUND) or two packages (OVA_AMBIGUOUS, naming them): nothing copied, the appliance deleted', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    f.lab.exportFaults.writes = 'nothing';
    await assert.rejects(
      f.provider.backupVm(db.id.value, ova(), context().ctx),
      (e: unknown) => e instanceof VendorError && e.code === 'OVA_NOT_FOUND' && /no new file appeared/.test(e.message),
    );
    assertNothingLeft();
    f.lab.exportFaults.writes = 'two';
    await assert.rejects(
      f.provider.backupVm(db.id.value, ova(), context().ctx),
      (e: unknown) =>
        e instanceof VendorError &&
        e.code === 'OVA_AMBIGUOUS' &&
        /\(2 \.ova, 2 folder\(s\)\): [0-9a-f-]+\/vmbackup-[^,]+\.ova, [0-9a-f-]+\/vmbackup-[^;]+\.ova; nothing copied/.test(
          e.message,
        ),
    );
    assertNothingLeft();
  });

  it('Clean Up deletes the appliance a killed backup named for its journal entry (never another), and the entry completes', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    const journal = new Journal(f.repo);
    const entry = await journal.begin(
      {
        connection: 'ovm',
        platform: 'oraclevm',
        vm: { id: db.id.value, uuid: db.id.value, name: db.name },
        before: [],
      },
      applianceName,
    );
    await journal.update(entry, { owner: { host: entry.owner.host, pid: 2 ** 22 + 1 } });
    journal.release(entry);
    const repo = { name: SEED.backupRepository };
    const ours = f.lab.exportVirtualAppliance(repo, applianceName(entry.marker), [db.id.value])!;
    const user = f.lab.exportVirtualAppliance(repo, `x-${applianceName(entry.marker)}`, [db.id.value])!;
    while (!ours.summaryDone || !user.summaryDone) await new Promise((r) => setTimeout(r, 20));
    assert.equal(f.lab.appliances.appliances.size, 2);
    const cli = profileCliAccess(f.profile, OVM_PASSWORD)!;
    const shown = parseManagerCliReply(
      await runManagerCli(cli, `show VirtualAppliance name=${applianceName(entry.marker)}`),
    );
    assert.ok(shown.ok, JSON.stringify(shown));
    assert.ok(shown.data.includes(`Name = ${applianceName(entry.marker)}`), shown.data.join('\n'));
    assert.ok(shown.data.includes(`Virtual Machine 1 = ${db.id.value}`), shown.data.join('\n'));
    const dry = await f.provider.cleanup({ repository: f.repo, dryRun: true }, context().ctx);
    assert.deepEqual(
      dry.map((i) => [i.action, i.what.replace(/\(.*\)/, '()')]),
      [['would delete', `virtual appliance "${applianceName(entry.marker)}" ()`]],
    );
    assert.equal(f.lab.appliances.appliances.size, 2, 'a dry run deletes nothing');
    await f.provider.cleanup({ repository: f.repo }, context().ctx);
    assert.deepEqual(
      [...f.lab.appliances.appliances.values()].map((a) => a.name),
      [`x-${applianceName(entry.marker)}`],
    );
    assert.deepEqual(new Journal(f.repo).list().entries, []);
  });

  it('without the Manager CLI: not declared, refused (MANAGER_CLI_NOT_CONFIGURED) before the Manager is contacted', async () => {
    f = await startOvmFixture();
    const noCli = new OracleVmProvider(
      { ...f.profile, managerHost: { host: f.peer.host, username: f.peer.user } },
      { password: OVM_PASSWORD },
      { pollMs: 10 },
    );
    assert.ok(!noCli.capabilities.backupMethods!.some((m) => m.id === 'ova-export'));
    assert.ok(f.provider.capabilities.backupMethods!.some((m) => m.id === 'ova-export'));
    const before = f.lab.requests.length;
    await assert.rejects(
      noCli.backupVm(f.lab.store.vmByName(SEED.stopped).id.value, ova(), context().ctx),
      (e: unknown) =>
        e instanceof VendorError && e.code === 'MANAGER_CLI_NOT_CONFIGURED' && /managerHost\.cliPort/.test(e.message),
    );
    assert.equal(f.lab.requests.length, before);
  });

  it('restore of an OVA backup says it is not offered, naming the file, before anything is written', async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    const entry = await f.provider.backupVm(db.id.value, ova(), context().ctx);
    const files = filesUnder(f.repoFolder(SEED.repository));
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository }, context().ctx),
      (e: unknown) =>
        e instanceof VendorError &&
        e.code === 'OVA_RESTORE_NOT_SUPPORTED' &&
        e.message.includes(path.join(entry.dir, entry.files[0].name)) &&
        /importVirtualAppliance/.test(e.message),
    );
    assert.deepEqual(filesUnder(f.repoFolder(SEED.repository)), files);
  });
});
