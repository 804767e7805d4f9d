import { ContainerInfo } from '../../src/core/model';
import { strict as assert } from 'node:assert';
import { Fixture, LAB_PASSWORD, ctx, startFixture } from './labFixture';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { VendorError } from '../../src/core/errors';
import { startXapiLab } from '../lab/xapi';

describe('Xen provider: connection and inventory (XAPI lab)', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  it('a running VM carries the IP addresses its guest agent reported (VM_guest_metrics.networks), a halted one none', async () => {
    const vms = await f.provider.listVms();
    const running = vms.filter((v) => v.powerState === 'running');
    assert.ok(running.length > 0);
    for (const v of running) {
      const rec = [...f.lab.store.table('VM').values()].find((r) => r.uuid === v.uuid)!;
      const networks = f.lab.store.must('VM_guest_metrics', rec.guest_metrics).networks as Record<string, string>;
      assert.deepEqual(v.ipAddresses, [networks['0/ip'], networks['0/ipv6/0']], v.name);
    }
    assert.ok(vms.filter((v) => v.powerState === 'halted').every((v) => !v.ipAddresses?.length));
  });

  it('lists exactly one pool → its hosts → their VMs, and only real VMs (no dom0, templates or snapshots)', async () => {
    const pools = await f.provider.listChildren();
    assert.deepEqual(
      pools.map((p) => p.type === 'container' && [p.kind, p.icon]),
      [['pool', 'pool']],
    );
    const underPool = await f.provider.listChildren(pools[0] as ContainerInfo);
    const hosts = underPool.filter((i): i is ContainerInfo => i.type === 'container');
    assert.equal(hosts.length, 3);
    assert.ok(hosts.every((h) => h.kind === 'host' && h.isHost && h.enabled && h.detail));
    // Containers first, then the VMs that run nowhere.
    assert.ok(underPool.slice(hosts.length).every((i) => i.type === 'vm' && !i.vm.hostId));
    const vms = await f.provider.listVms();
    assert.equal(vms.length, 12);
    const storeVms = [...f.lab.store.table('VM').values()];
    for (const v of vms) {
      const rec = storeVms.find((r) => r.uuid === v.uuid)!;
      assert.equal(rec.is_control_domain || rec.is_a_template || rec.is_a_snapshot, false);
    }
    assert.ok(vms.some((v) => v.powerState === 'running') && vms.some((v) => v.powerState === 'halted'));
    const onHost = (await f.provider.listChildren(hosts[0])).flatMap((i) => (i.type === 'vm' ? [i.vm] : []));
    assert.ok(onHost.length > 0 && onHost.every((v) => v.hostId === hosts[0].id || v.hostId === undefined));
    await assert.rejects(f.provider.listChildren({ kind: 'datacenter', id: 'x' }), /HANDLE_INVALID/);
  });

  it('builds the snapshot tree of a VM (parent links, times)', async () => {
    const vms = await f.provider.listVms();
    const vm = vms.find((v) => v.snapshotCount === 2)!;
    const snaps = await f.provider.listSnapshots(vm.id);
    assert.equal(snaps.length, 2);
    assert.equal(snaps[1].parentId, snaps[0].id);
    assert.ok(snaps.every((s) => s.time.getUTCFullYear() >= 2020));
  });

  it('names the connection and the vendor code verbatim on a wrong password, and never the password', async () => {
    const p = new XenProvider(
      { name: 'lab-bad', platform: 'xen', url: f.lab.url, username: 'root' },
      { password: 'wrong-password-77' },
    );
    const err = await p.connect().then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof VendorError);
    assert.equal(err.code, 'SESSION_AUTHENTICATION_FAILED');
    assert.match(err.message, /connection "lab-bad": SESSION_AUTHENTICATION_FAILED \[root;/);
    assert.ok(!err.message.includes('wrong-password-77'));
    assert.ok(!f.lab.requests.join('\n').includes(LAB_PASSWORD));
  });

  it('follows HOST_IS_SLAVE to the pool master', async () => {
    const member = await startXapiLab({ slaveOf: `127.0.0.1:${f.lab.port}`, password: LAB_PASSWORD });
    try {
      const p = new XenProvider(
        { name: 'via-member', platform: 'xen', url: member.url, username: 'root' },
        { password: LAB_PASSWORD },
      );
      await p.connect();
      assert.equal(p.xapi.url, f.lab.url);
      assert.equal((await p.listChildren()).length, 1);
      await p.disconnect();
    } finally {
      await member.close();
    }
  });

  it('logs in again when the session becomes invalid', async () => {
    await f.provider.xapi.call('session.logout');
    (f.provider.xapi as unknown as { session: string }).session = 'OpaqueRef:dead';
    assert.equal((await f.provider.listChildren()).length, 1);
  });

  it('reports XAPI errors with the VM name and the params verbatim', async () => {
    const vms = await f.provider.listVms();
    const snapVm = vms.find((v) => v.snapshotCount === 2)!;
    const snaps = await f.provider.listSnapshots(snapVm.id);
    const err = await f.provider.snapshot(snaps[0].id, { name: 'nested' }, ctx(f)).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof VendorError);
    assert.equal(err.code, 'VM_IS_SNAPSHOT');
    assert.deepEqual(err.params, [snaps[0].id, 'snapshot']);
    assert.match(err.message, /connection "lab".*VM ".*before upgrade"/);
  });
});
