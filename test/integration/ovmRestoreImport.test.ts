// Oracle VM restore's Manager steps, each sourced and checked instead of trusted: the repository refresh through the
// Manager CLI (`refresh Repository id=`, CLI reference A.124), the check that the VM and its disks were imported, the
// pool move (`PUT ServerPool/{id}/addVm`, cocampbe/ansible-ovm ovm_serverpool.py) and the check that it took; a failed
// or cancelled step removes exactly what the restore made (REST lab + one OpenSSH peer as server and Manager CLI).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEED } from '../lab/ovm';
import { VmObj } from '../lab/ovm/model';
import { CancelledError, VendorError } from '../../src/core/errors';
import { JobContext } from '../../src/core/job';
import { CatalogEntry } from '../../src/core/repository';
import { defaultRestoreName } from '../../src/core/restoreName';
import { OracleVmProvider } from '../../src/providers/oraclevm/ovmProvider';
import { OVM_PASSWORD, OvmFixture, filesUnder, startOvmFixture } from './ovmFixture';

function context(onLog?: (l: string) => void): { ctx: JobContext; log: string[]; abort: () => void } {
  const log: string[] = [];
  const ac = new AbortController();
  return {
    log,
    abort: () => ac.abort(),
    ctx: {
      signal: ac.signal,
      log: (l) => {
        log.push(l);
        onLog?.(l);
      },
      progress: () => undefined,
      warn: (l) => log.push(`warning: ${l}`),
    },
  };
}

describe('Oracle VM restore: the Manager CLI refresh, the import and pool checks, the undo (REST lab + OpenSSH peer)', function () {
  this.timeout(180_000);
  let f: OvmFixture;
  let entry: CatalogEntry;
  const counts = () => ({
    vms: f.lab.store.all('Vm').length,
    disks: f.lab.store.all('VirtualDisk').length,
    files: filesUnder(f.repoFolder(SEED.repository)),
  });
  before(async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    entry = await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx);
  });
  afterEach(() => {
    f.lab.importFaults.refreshImports = 'all';
    f.lab.importFaults.addVmIgnored = false;
    f.lab.jobs.onStart = undefined;
  });
  after(async () => {
    await f?.close();
  });

  it('imports through the CLI’s `refresh Repository id=<repository id>` (never a REST refresh) and puts the VM into the pool with addVm and its SimpleId', async () => {
    const repoId = f.lab.store.repoByName(SEED.repository).id.value;
    const poolId = f.lab.store.all('ServerPool')[0].id.value;
    const requests = f.lab.requests.length;
    const { ctx, log } = context();
    const vm = await f.provider.restoreVm(
      entry,
      { storageId: SEED.repository, name: 'db01-cli', placement: { container: { kind: 'serverPool', id: SEED.pool } } },
      ctx,
    );
    assert.deepEqual(f.lab.cliLog.slice(-1), [`refresh Repository id=${repoId}`]);
    const asked = f.lab.requests.slice(requests);
    assert.ok(!asked.some((r) => /\/refresh/.test(r)), asked.join('\n'));
    assert.ok(asked.some((r) => r.startsWith(`PUT /ovm/core/wsapi/rest/ServerPool/${poolId}/addVm `)));
    assert.equal(f.lab.store.get<VmObj>('Vm', vm.id)?.serverPoolId?.value, poolId);
    assert.ok(
      log.some((l) => /^the refresh ended \(job \d+\): checking that the Manager has the VM and its disks$/.test(l)),
    );
  });

  it('a refresh that imports nothing: VM_NOT_IMPORTED naming the connection, the Manager, the VM and the repository; exactly the uploaded files removed', async () => {
    const before = counts();
    f.lab.importFaults.refreshImports = 'nothing';
    const { ctx, log } = context();
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository, name: 'db01-lost' }, ctx),
      (e: unknown) => {
        assert.ok(e instanceof VendorError && e.code === 'VM_NOT_IMPORTED', String(e));
        assert.match(
          e.message,
          /^connection "ovm", host "127\.0\.0\.1", VM "db01": VM_NOT_IMPORTED \[Oracle VM Manager 127\.0\.0\.1 \(Manager CLI port \d+\): the refresh of repository "repo1" did not import VM "db01-lost" from VirtualMachines\/0004fb0000060000[0-9a-f]{16}\/vm\.cfg \(no VM with that id, nor a new one of that name in the repository\)\]$/,
        );
        return true;
      },
    );
    assert.deepEqual(counts(), before);
    assert.equal(log.filter((l) => l.startsWith('removed ')).length, 3, log.join('\n'));
  });

  it('a refresh that imports the VM without its disk: VM_DISKS_NOT_IMPORTED naming the file; the imported VM deleted through the Manager, the files removed', async () => {
    const before = counts();
    f.lab.importFaults.refreshImports = 'vms-only';
    const { ctx, log } = context();
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository, name: 'db01-nodisk' }, ctx),
      (e: unknown) => {
        assert.ok(e instanceof VendorError && e.code === 'VM_DISKS_NOT_IMPORTED', String(e));
        assert.match(
          e.message,
          /imported VM "db01-nodisk" \(0004fb0000060000[0-9a-f]{16}\) without its disk VirtualDisks\/0004fb0000120000[0-9a-f]{16}\.img\]$/,
        );
        return true;
      },
    );
    assert.deepEqual(counts(), before);
    assert.ok(log.some((l) => /^deleted VM "db01-nodisk" /.test(l)));
  });

  it('an addVm job that succeeds but leaves the VM out of the pool: VM_NOT_IN_POOL; the imported VM and its disks deleted through the Manager, nothing else', async () => {
    const before = counts();
    f.lab.importFaults.addVmIgnored = true;
    const { ctx, log } = context();
    await assert.rejects(
      f.provider.restoreVm(
        entry,
        {
          storageId: SEED.repository,
          name: 'db01-nopool',
          placement: { container: { kind: 'serverPool', id: SEED.pool } },
        },
        ctx,
      ),
      (e: unknown) => {
        assert.ok(e instanceof VendorError && e.code === 'VM_NOT_IN_POOL', String(e));
        assert.match(e.message, /^connection "ovm", host "127\.0\.0\.1", VM "db01": VM_NOT_IN_POOL/);
        assert.match(
          e.message,
          /VM "db01-nopool" \(0004fb0000060000[0-9a-f]{16}\) is in no server pool, not in "pool1"/,
        );
        return true;
      },
    );
    assert.deepEqual(counts(), before);
    assert.ok(
      log.some((l) =>
        /^deleted VM "db01-nopool" \(0004fb0000060000[0-9a-f]{16}\) that the Manager had imported$/.test(l),
      ),
    );
    assert.ok(
      log.some((l) => /^deleted virtual disk 0004fb0000120000[0-9a-f]{16}\.img that the Manager had imported$/.test(l)),
    );
    assert.ok(f.lab.store.vmByName(SEED.stopped), 'the backed-up VM is untouched');
  });

  it('cancelled as the refresh is asked: nothing is imported, the uploaded files are removed', async () => {
    const before = counts();
    const refreshes = f.lab.cliLog.length;
    let abort = () => undefined as void;
    const c = context((l) => {
      if (l.startsWith('refreshing repository')) abort();
    });
    abort = c.abort;
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository, name: 'db01-cancel' }, c.ctx),
      (e: unknown) => e instanceof CancelledError,
    );
    assert.deepEqual(counts(), before);
    assert.equal(f.lab.cliLog.length, refreshes);
  });

  it('cancelled while the Manager refreshes: waits for the refresh to end, then deletes the VM and disks it imported and the files', async () => {
    const before = counts();
    const c = context();
    f.lab.jobs.onStart = (job) => {
      if (job.name.startsWith('Refresh Repository')) c.abort(); // the Manager's job runs on without the CLI session
    };
    await assert.rejects(
      f.provider.restoreVm(entry, { storageId: SEED.repository, name: 'db01-cancel-refresh' }, c.ctx),
      (e: unknown) => e instanceof CancelledError,
    );
    assert.ok(
      c.log.some((l) => /^cancel asked: waiting for the Manager to end the refresh \(at most 120 s\)/.test(l)),
      c.log.join('\n'),
    );
    assert.ok(
      c.log.some((l) => /^deleted VM "db01-cancel-refresh" \(\w+\) that the Manager had imported$/.test(l)),
      c.log.join('\n'),
    );
    // nothing is still running that could import it later, and nothing of the restore is left
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!f.lab.store.all('Vm').some((v) => v.name === 'db01-cancel-refresh'), 'no VM left in the Manager');
    assert.deepEqual(counts(), before);
  });

  it('a disk image or vm.cfg changed since the manifest: INVALID_BACKUP naming the file, nothing left in the repository or the Manager', async () => {
    const image = entry.files.find((x) => x.name !== 'vm.cfg')!.name;
    for (const name of [image, 'vm.cfg']) {
      const file = path.join(entry.dir, name);
      const original = fs.readFileSync(file);
      const damaged = Buffer.from(original);
      damaged[Math.floor(damaged.length / 2)] ^= 1;
      fs.writeFileSync(file, damaged);
      try {
        const before = counts();
        const refreshes = f.lab.cliLog.length;
        const err = await f.provider
          .restoreVm(entry, { storageId: SEED.repository, name: 'db01-damaged' }, context().ctx)
          .then(
            () => undefined,
            (e: unknown) => e as Error,
          );
        assert.match(
          String(err?.message),
          new RegExp(
            `^connection "ovm", VM "db01": INVALID_BACKUP ${name.replace(/\./g, '\\.')}: sha256 differs from the manifest`,
          ),
        );
        assert.deepEqual(counts(), before, name);
        assert.equal(f.lab.cliLog.length, refreshes, 'no refresh asked');
      } finally {
        fs.writeFileSync(file, original);
      }
    }
  });

  it('without --name, the restored VM is named as everywhere: the VM name and the backup date', async () => {
    const vm = await f.provider.restoreVm(entry, { storageId: SEED.repository }, context().ctx);
    assert.equal(vm.name, defaultRestoreName(entry));
    assert.match(vm.name, /^db01 \(\d{4}-\d\d-\d\d \d\d:\d\d\)$/);
  });

  it('without the Manager CLI in the connection: MANAGER_CLI_NOT_CONFIGURED before anything is contacted or written', async () => {
    const before = counts();
    const requests = f.lab.requests.length;
    const { managerHost: _cli, ...profile } = f.profile;
    const provider = new OracleVmProvider(profile, { password: OVM_PASSWORD }, { pollMs: 10 });
    await assert.rejects(
      provider.restoreVm(entry, { storageId: SEED.repository }, context().ctx),
      (e: unknown) =>
        e instanceof VendorError &&
        e.code === 'MANAGER_CLI_NOT_CONFIGURED' &&
        /managerHost\.cliPort .*managerHost\.cliHostKey/.test(e.message),
    );
    assert.equal(f.lab.requests.length, requests);
    assert.deepEqual(counts(), before);
  });
});
