// OracleVmProvider through the provider registry, against the REST lab; and the lab's repository served by a real sshd.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvmLab, SEED, startOvmLab } from '../lab/ovm';
import { createProvider } from '../../src/providers';
import { parseConnections } from '../../src/core/connections';
import { VendorError } from '../../src/core/errors';
import { ContainerInfo } from '../../src/core/model';
import { Provider, operation } from '../../src/core/provider';
import { OracleVmProvider, restBase } from '../../src/providers/oraclevm/ovmProvider';
import { cloneVm } from '../../src/providers/oraclevm/ovmVmActions';
import { getVm, listVirtualDisks } from '../../src/providers/oraclevm/ovmInventory';
import { SshSession } from '../../src/transport/ssh';
import { startSshdPeer } from '../peers/openssh/sshdPeer';
import { tempDir } from '../tempDir';

const PASSWORD = 'ovm-Prov-91';

describe('Oracle VM provider', function () {
  this.timeout(90_000);
  let lab: OvmLab;
  afterEach(async () => {
    await lab?.close();
  });

  it('connections.yaml accepts platform oraclevm; the registry makes an OracleVmProvider that waits while STARTING, saying so', async () => {
    lab = await startOvmLab({ password: PASSWORD });
    const { connections, errors } = parseConnections(
      `connections:\n  - name: ovm\n    platform: oraclevm\n    url: https://127.0.0.1:${lab.port}\n    username: admin\n    thumbprint: "${lab.thumbprint}"\n`,
    );
    assert.deepEqual(errors, []);
    const provider = await createProvider(connections[0], { password: PASSWORD });
    assert.ok(provider instanceof OracleVmProvider);
    const said: string[] = [];
    const p = new OracleVmProvider(
      connections[0],
      { password: PASSWORD },
      {
        pollMs: 20,
        onStatus: (m) => {
          said.push(m);
          lab.setManagerState('RUNNING');
        },
      },
    );
    lab.setManagerState('STARTING');
    await p.connect();
    assert.deepEqual(said, ['Oracle VM Manager "ovm" is STARTING: waiting until it is RUNNING']);
  });

  it('maps server pools, servers, VMs and repositories onto pools, hosts, VMs and storage; refuses what it cannot do, naming the connection', async () => {
    lab = await startOvmLab({ password: PASSWORD });
    const p = new OracleVmProvider(
      {
        name: 'ovm',
        platform: 'oraclevm',
        url: `https://127.0.0.1:${lab.port}`,
        username: 'admin',
        thumbprint: lab.thumbprint,
      },
      { password: PASSWORD },
      { pollMs: 20 },
    );
    await p.connect();
    const [pool] = (await p.listChildren()) as ContainerInfo[];
    assert.deepEqual([pool.name, pool.kind, pool.icon], [SEED.pool, 'serverPool', 'pool']);
    const hosts = (await p.listChildren(pool)).filter((i): i is ContainerInfo => i.type === 'container');
    assert.deepEqual(
      hosts.map((h) => [h.name, h.kind, h.enabled, h.isHost]),
      [
        ['ovs1', 'server', true, true],
        ['ovs2', 'server', false, true],
      ],
    );
    const onServers = await Promise.all(hosts.map((h) => p.listChildren(h)));
    const vms = [...(await p.listChildren(pool)), ...onServers.flat()].flatMap((i) => (i.type === 'vm' ? [i.vm] : []));
    assert.equal(vms.length, (await p.listVms()).length, 'every VM once: under its server, or under the pool');
    const web = vms.find((v) => v.name === SEED.running)!;
    assert.deepEqual(
      [web.powerState, web.hostId, web.memoryBytes, web.snapshotCount],
      ['running', hosts[0].id, 2048 * 1024 * 1024, 0],
    );
    assert.equal(vms.find((v) => v.name === SEED.hostile)?.powerState, 'halted');
    assert.deepEqual(
      (await p.listStorage()).map((s) => [s.name, s.type, s.shared]),
      [
        [SEED.repository, 'repository', true],
        [SEED.backupRepository, 'repository', true],
      ],
    );
    // No snapshots in OVM 3.x, no metadata backup: neither declared nor present. VM backup and restore are both.
    assert.equal(p.capabilities.snapshots, undefined);
    const asProvider: Provider = p;
    for (const op of ['snapshot', 'revert', 'deleteSnapshot', 'backupMetadata'] as const)
      assert.equal(asProvider[op], undefined, op);
    assert.equal(p.capabilities.fullBackup, true);
    assert.equal(typeof asProvider.backupVm, 'function');
    assert.equal(typeof asProvider.restoreVm, 'function');
    assert.throws(
      () => operation(asProvider, 'snapshot'),
      (e: unknown) => e instanceof VendorError && /^connection "ovm": NOT_OFFERED .*snapshot/.test(e.message),
    );
  });

  it('restBase adds the REST path to a bare Manager URL and keeps a full one', () => {
    assert.equal(restBase('https://m.example:7002'), 'https://m.example:7002/ovm/core/wsapi/rest');
    assert.equal(restBase('https://m.example:7002/ovm/core/wsapi/rest/'), 'https://m.example:7002/ovm/core/wsapi/rest');
  });

  it('the pieces of a backup fit: a cold clone into the backup repository, its disk read back over SFTP with its sha256', async () => {
    const peer = await startSshdPeer();
    const out = tempDir('vmbk-ovm-');
    try {
      const repoDir = path.join(peer.files, 'repo1');
      const backupDir = path.join(peer.files, 'backup');
      lab = await startOvmLab({
        password: PASSWORD,
        jobStepMs: 10,
        repositoryDirs: { [SEED.repository]: repoDir, [SEED.backupRepository]: backupDir },
        diskBytes: 3 * 1024 * 1024 + 7,
      });
      const p = new OracleVmProvider(
        { name: 'ovm', platform: 'oraclevm', url: lab.url, username: 'admin', thumbprint: lab.thumbprint },
        { password: PASSWORD },
        { pollMs: 10 },
      );
      const vm = (await p.listVms()).find((v) => v.name === SEED.stopped)!;
      const backupRepo = lab.store.repoByName(SEED.backupRepository);
      const cloneId = await cloneVm(p.client, await getVm(p.client, vm.id), {
        serverPoolId: vm.poolId,
        repositoryId: backupRepo.id.value,
      });
      const clone = await getVm(p.client, cloneId.value);
      const [disk] = await listVirtualDisks(p.client, backupRepo.id.value);
      const remote = path.join(backupDir, disk.path);
      const s = await SshSession.connect({
        host: peer.host,
        port: peer.port,
        username: peer.user,
        privateKey: peer.privateKey,
        hostKey: peer.hostKeyFingerprint,
      });
      try {
        const w = await s.download(remote, path.join(out, 'disk.img'));
        assert.equal(w.bytes, 3 * 1024 * 1024 + 7);
        assert.equal(w.sha256, createHash('sha256').update(fs.readFileSync(remote)).digest('hex'));
        const cfg = await s.execOk(['cat', path.join(backupDir, 'VirtualMachines', clone.id.value, 'vm.cfg')]);
        assert.ok(cfg.stdout.includes(disk.path), cfg.stdout);
      } finally {
        await s.close();
      }
    } finally {
      await peer.stop();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
