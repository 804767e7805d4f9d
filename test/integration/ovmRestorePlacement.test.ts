// Oracle VM restore aimed through the one RestoreOptions: repository, server pool, a network per vif, power on — by the
// provider and by the CLI's neutral flags (REST lab with Network objects + OpenSSH peer).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEED } from '../lab/ovm';
import { VmObj } from '../lab/ovm/model';
import { VendorError } from '../../src/core/errors';
import { JobContext } from '../../src/core/job';
import { CatalogEntry } from '../../src/core/repository';
import { saveConnections } from '../../src/core/connections';
import { startCli } from './crashRun';
import { OVM_PASSWORD, OvmFixture, filesUnder, startOvmFixture } from './ovmFixture';

function context(): { ctx: JobContext; log: string[] } {
  const log: string[] = [];
  return {
    log,
    ctx: {
      signal: new AbortController().signal,
      log: (l) => log.push(l),
      progress: () => undefined,
      warn: (l) => log.push(`warning: ${l}`),
    },
  };
}

describe('Oracle VM restore: repository, server pool, network per vif, power on (REST lab + OpenSSH peer)', function () {
  this.timeout(180_000);
  let f: OvmFixture;
  let entry: CatalogEntry;
  before(async () => {
    f = await startOvmFixture();
    const db = f.lab.store.vmByName(SEED.stopped);
    entry = await f.provider.backupVm(db.id.value, { repository: f.repo, method: 'copy-stopped' }, context().ctx);
  });
  after(async () => {
    await f?.close();
  });

  it("records each vif in the manifest with its network's name and id; lists the Manager's networks and server pools", async () => {
    assert.deepEqual(
      entry.manifest?.source.vm?.macs?.map((m) => [m.device, m.network, m.bridge]),
      [['0', SEED.networkName, SEED.network]],
    );
    assert.match(entry.manifest!.source.vm!.macs![0].mac, /^00:21:f6:/);
    assert.deepEqual(
      (await f.provider.listNetworks()).map((n) => [n.name, n.id]),
      [
        [SEED.otherNetwork.name, SEED.otherNetwork.id],
        [SEED.networkName, SEED.network],
      ],
    );
    assert.deepEqual(
      (await f.provider.listPlacement()).map((p) => [p.kind, p.name]),
      [['serverPool', SEED.pool]],
    );
  });

  it('restores into the server pool named, vif 0 on the network chosen by name, and starts it', async () => {
    const { ctx, log } = context();
    const vm = await f.provider.restoreVm(
      entry,
      {
        storageId: SEED.repository,
        placement: { container: { kind: 'serverPool', id: SEED.pool } },
        networkMap: { '0': SEED.otherNetwork.name },
        name: 'db01-aimed',
        powerOn: true,
      },
      ctx,
    );
    const lab = f.lab.store.get<VmObj>('Vm', vm.id)!;
    assert.equal(lab.vmRunState, 'RUNNING');
    assert.equal(vm.powerState, 'running');
    assert.equal(f.lab.store.get('ServerPool', lab.serverPoolId!.value)?.name, SEED.pool);
    const cfg = fs.readFileSync(path.join(f.repoFolder(SEED.repository), 'VirtualMachines', vm.id, 'vm.cfg'), 'utf8');
    assert.match(cfg, new RegExp(`bridge=${SEED.otherNetwork.id}["']`));
    assert.ok(
      log.some(
        (l) =>
          l ===
          `VIF 0 (${entry.manifest!.source.vm!.macs![0].mac}) on "${SEED.networkName}" → "${SEED.otherNetwork.name}" (mapped)`,
      ),
      log.join('\n'),
    );
  });

  it("a repository whose file system has too little free space (FileSystem.freeSize) is refused before anything is written, naming both sizes; the repository list shows each one's free space", async () => {
    const before = filesUnder(f.repoFolder(SEED.repository));
    const need = entry.files.reduce((n, x) => n + (x.bytes ?? 0), 0);
    const listed = (await f.provider.listStorage()).find((s) => s.name === SEED.repository)!;
    assert.deepEqual([listed.freeBytes, listed.capacityBytes], [400 * 2 ** 30, 500 * 2 ** 30]);
    f.lab.store.setFreeSize(SEED.repository, need - 1);
    try {
      const err = await f.provider
        .restoreVm(entry, { storageId: SEED.repository, name: 'never-fits' }, context().ctx)
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      assert.ok(err, 'refused');
      assert.match(
        err.message,
        new RegExp(
          `connection "ovm".*: repository "${SEED.repository}" has [\\d.]+ KiB free, the backup needs [\\d.]+ KiB`,
        ),
      );
      // One message naming each part of the place once (the space check names it, withErrorContext does not again).
      for (const part of err.message.match(/(connection|host|VM) "[^"]*"/g) ?? [])
        assert.equal(err.message.split(part).length - 1, 1, `${part} twice in: ${err.message}`);
      assert.deepEqual(filesUnder(f.repoFolder(SEED.repository)), before, 'nothing written');
      assert.equal((await f.provider.listStorage()).find((s) => s.name === SEED.repository)!.freeBytes, need - 1);
    } finally {
      f.lab.store.setFreeSize(SEED.repository, 400 * 2 ** 30);
    }
  });

  it('a FileSystem reply without freeSize (another shape than the 3.3.3 captures): free space unknown in the list, said in the restore’s log, and the restore is not refused for it', async () => {
    f.lab.store.setFreeSize(SEED.repository, 1);
    f.lab.setFileSystemShape('other');
    try {
      const listed = (await f.provider.listStorage()).find((s) => s.name === SEED.repository)!;
      assert.deepEqual([listed.freeBytes, listed.capacityBytes], [undefined, undefined], 'unknown, not zero');
      const { ctx, log } = context();
      const vm = await f.provider.restoreVm(entry, { storageId: SEED.repository, name: 'db01-unknown-space' }, ctx);
      assert.ok(f.lab.store.get('Vm', vm.id), 'restored');
      assert.ok(
        log.includes(
          `repository "${SEED.repository}": free space unknown (the Manager's FileSystem reply has no freeSize): the restore goes on without a space check`,
        ),
        log.join('\n'),
      );
    } finally {
      f.lab.setFileSystemShape('3.3.3');
      f.lab.store.setFreeSize(SEED.repository, 400 * 2 ** 30);
    }
  });

  it('a network the Manager does not have is refused before anything is written; a host or folder is not an Oracle VM placement', async () => {
    const before = filesUnder(f.repoFolder(SEED.repository)).length;
    f.lab.store.objects.get('Network')!.delete(SEED.network);
    try {
      const err = await f.provider.restoreVm(entry, { storageId: SEED.repository, name: 'never' }, context().ctx).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof VendorError && err.code === 'NETWORK_NOT_FOUND', String(err));
      assert.match(err.message, new RegExp(`no network "${SEED.networkName}" \\(VIF 0\\)`));
      assert.match(err.message, /connection "ovm"/);
    } finally {
      f.lab.store.put({
        ...f.lab.store.get('Network', SEED.otherNetwork.id)!,
        id: { type: 'Network', value: SEED.network },
        name: SEED.networkName,
      });
    }
    assert.equal(filesUnder(f.repoFolder(SEED.repository)).length, before, 'nothing written');
    const host = await f.provider
      .restoreVm(
        entry,
        { storageId: SEED.repository, placement: { container: { kind: 'host', id: 'ovs1' } } },
        context().ctx,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(host instanceof VendorError && host.code === 'INVALID_PLACEMENT', String(host));
  });

  it('from the shell: --storage --server-pool --network 0=NET --power-on; --folder is refused naming the platform', async () => {
    const ws = path.dirname(f.repo);
    saveConnections(ws, [{ ...f.profile, repository: 'backups' }]);
    const r = await startCli(
      ws,
      [
        'restore',
        entry.id,
        '--storage',
        SEED.repository,
        '--server-pool',
        SEED.pool,
        '--network',
        `0=${SEED.otherNetwork.id}`,
        '--name',
        'db01-shell',
        '--power-on',
        '--json',
      ],
      OVM_PASSWORD,
    ).exited;
    assert.equal(r.code, 0, r.stderr);
    const vm = JSON.parse(r.stdout) as { id: string; powerState: string };
    assert.equal(vm.powerState, 'running');
    const cfg = fs.readFileSync(path.join(f.repoFolder(SEED.repository), 'VirtualMachines', vm.id, 'vm.cfg'), 'utf8');
    assert.match(cfg, new RegExp(`bridge=${SEED.otherNetwork.id}["']`));
    const nets = await startCli(ws, ['networks', '--backup', entry.id], OVM_PASSWORD).exited;
    assert.equal(nets.code, 0, nets.stderr);
    assert.match(
      nets.stdout,
      new RegExp(`VIF 0 \\(00:21:f6:[0-9a-f:]+\\) on "${SEED.networkName}" → "${SEED.networkName}" \\(same name\\)`),
    );
    const folder = await startCli(
      ws,
      ['restore', entry.id, '--storage', SEED.repository, '--folder', 'x'],
      OVM_PASSWORD,
    ).exited;
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /--folder: a restore on Oracle VM has no VM folder/);
  });
});
