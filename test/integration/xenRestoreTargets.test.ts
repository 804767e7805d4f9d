// Restore that a user can aim (issue #16): SRs with their host, type, free space and the pool default; a wrong or
// full SR refused before the upload; each VIF on the network of the same name or the one given; a missing network
// said before the import (xapi would create an isolated one); restore to another pool; default name; --start.
import { strict as assert } from 'node:assert';
import { Fixture, LAB_PASSWORD, ctx, startFixture } from './labFixture';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { listRestoreNetworks, listRestoreSrs } from '../../src/providers/xen/restoreTargets';
import { defaultName } from '../../src/providers/xen/xenRestore';
import { CatalogEntry } from '../../src/core/repository';
import { XapiLab, startXapiLab } from '../lab/xapi';

describe('Xen provider: restore aimed at an SR and networks, on this pool or another (XAPI lab)', function () {
  this.timeout(120_000);
  let f: Fixture;
  let other: XapiLab;
  let target: XenProvider;
  let entry: CatalogEntry;
  let sourceName: string;

  before(async () => {
    f = await startFixture({ hosts: 3 });
    other = await startXapiLab({ taskStepMs: 5, password: LAB_PASSWORD, hosts: 2 });
    // The other pool calls its network "LAN" on another bridge and has a second one, "DMZ": neither matches the
    // backup's network by name or bridge (import.ml Net.precheck), so xapi would create a network.
    const [, net] = [...other.store.table('network')][0];
    net.name_label = 'LAN';
    net.bridge = 'xenbr9';
    other.store.add('network', { ...net, uuid: '', name_label: 'DMZ', bridge: 'xenbr1', VIFs: [], PIFs: [] });
    target = new XenProvider(
      { name: 'other', platform: 'xen', url: other.url, username: 'root', repository: f.repo, maxRetries: 0 },
      { password: LAB_PASSWORD },
    );
    await target.connect();
    (target.xapi as unknown as { opts: { taskPollMs: number } }).opts.taskPollMs = 10;
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    sourceName = vm.name;
    entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
  });
  after(async () => {
    await target.disconnect();
    await f.provider.disconnect();
    await other.close();
    await f.lab.close();
  });

  const vmRec = (lab: XapiLab, uuid: string) => [...lab.store.table('VM').values()].find((v) => v.uuid === uuid)!;
  const vifNets = (lab: XapiLab, uuid: string) =>
    (vmRec(lab, uuid).VIFs as string[]).map(
      (r) => lab.store.get('network', lab.store.get('VIF', r)!.network)!.name_label,
    );
  const importTasks = (lab: XapiLab) =>
    [...lab.store.table('task').values()].filter((t) => String(t.name_label).includes('import')).length;

  it('lists each local SR with its host, the type, free space and the pool default; no ISO SR', async () => {
    const srs = await listRestoreSrs(f.provider.xapi);
    const local = srs.filter((s) => s.name === 'Local storage');
    assert.deepEqual(local.map((s) => s.hostName).sort(), ['xcp-host-01', 'xcp-host-02', 'xcp-host-03']);
    assert.ok(local.every((s) => s.type === 'lvm' && !s.shared && s.freeBytes === 500 * 2 ** 30));
    assert.equal(srs.filter((s) => s.isDefault).length, 1);
    assert.equal(srs[0].isDefault, true, 'the default first');
    assert.equal(srs[0].hostName, 'xcp-host-01');
    assert.ok(!srs.some((s) => s.type === 'iso'));
    assert.ok(srs.some((s) => s.name === 'NFS storage' && s.shared && s.hostName === undefined));
  });

  it("records each VIF's network name in the manifest", () => {
    const vifs = entry.manifest?.source.vm?.macs ?? [];
    assert.ok(vifs.length > 0);
    assert.ok(
      vifs.every((v) => v.network === 'Pool-wide network associated with eth0' && v.bridge === 'xenbr0'),
      JSON.stringify(vifs),
    );
  });

  it('a wrong SR is refused by name before anything is uploaded, listing the SRs', async () => {
    const before = importTasks(f.lab);
    const err = await f.provider.restoreVm(entry, { storageId: 'No such SR' }, ctx(f)).then(
      () => assert.fail('restored'),
      (e: Error) => e,
    );
    assert.match(err.message, /no SR "No such SR"/);
    assert.match(err.message, /"NFS storage" · nfs · shared/);
    assert.doesNotMatch(err.message, /HTTP_500/);
    assert.equal(importTasks(f.lab), before, 'no import was started');
  });

  it('an SR too small for the backup is refused before the upload', async () => {
    const [nfsRef, nfs] = [...f.lab.store.table('SR')].find(([, s]) => s.name_label === 'NFS storage')!;
    const saved = nfs.physical_utilisation;
    nfs.physical_utilisation = Number(nfs.physical_size) - 1024;
    try {
      const err = await f.provider.restoreVm(entry, { storageId: nfsRef }, ctx(f)).then(
        () => assert.fail('restored'),
        (e: Error) => e,
      );
      assert.match(err.message, /SR "NFS storage" has 1\.0 KiB free, the backup needs/);
    } finally {
      nfs.physical_utilisation = saved;
    }
  });

  it('restores to an SR named by name, with the default name "<VM> (<backup date>)", and starts it when asked', async () => {
    const logs: string[] = [];
    const vm = await f.provider.restoreVm(
      entry,
      { storageId: 'NFS storage', powerOn: true },
      { ...ctx(f), log: (l) => logs.push(l) },
    );
    assert.ok(
      !logs.some((l) => /comes back Halted/.test(l)),
      `a started VM is not said to come back Halted: ${logs.join(' | ')}`,
    );
    assert.equal(vm.name, defaultName(entry));
    assert.match(
      vm.name,
      new RegExp(`^${sourceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\)$`),
    );
    const rec = vmRec(f.lab, vm.uuid);
    assert.equal(rec.power_state, 'Running');
    const srNames = (rec.VBDs as string[])
      .map((b) => f.lab.store.get('VBD', b)!)
      .filter((b) => b.type === 'Disk')
      .map((b) => f.lab.store.get('SR', f.lab.store.get('VDI', b.VDI)!.SR)!.name_label);
    assert.ok(srNames.length && srNames.every((n) => n === 'NFS storage'), srNames.join());
  });

  it('to another pool: a network missing there is said before the import, naming it and the networks there', async () => {
    const before = importTasks(other);
    const err = await target.restoreVm(entry, {}, ctx(f)).then(
      () => assert.fail('restored'),
      (e: Error) => e,
    );
    assert.match(err.message, /no network "Pool-wide network associated with eth0" \(VIF 0\)/);
    assert.match(err.message, /would create an isolated network/);
    assert.match(err.message, /"DMZ", "LAN"/);
    assert.equal(importTasks(other), before);
  });

  it('to another pool with each VIF mapped: the VIF is on that network and no network is left from the import', async () => {
    const netsBefore = (await listRestoreNetworks(target.xapi)).map((n) => n.name).sort();
    const logs: string[] = [];
    const vm = await target.restoreVm(
      entry,
      { name: 'moved', networkMap: { '0': 'DMZ' } },
      {
        ...ctx(f),
        log: (l) => logs.push(l),
      },
    );
    assert.deepEqual(vifNets(other, vm.uuid), ['DMZ']);
    // The import created "Pool-wide network associated with eth0" (import.ml Net.handle); the restore removed it.
    assert.ok(
      logs.some((l) => /removed the network "Pool-wide network associated with eth0"/.test(l)),
      logs.join('\n'),
    );
    assert.deepEqual((await listRestoreNetworks(target.xapi)).map((n) => n.name).sort(), netsBefore);
    assert.equal(vmRec(other, vm.uuid).power_state, 'Halted');
    const uuidOfLan = (await listRestoreNetworks(target.xapi)).find((n) => n.name === 'LAN')!.uuid!;
    const byUuid = await target.restoreVm(entry, { name: 'by uuid', networkMap: { '0': uuidOfLan } }, ctx(f));
    assert.deepEqual(vifNets(other, byUuid.uuid), ['LAN']);
  });

  it("on a pool whose network has the backup's bridge under another name, the VIF goes there as xapi would put it", async () => {
    const third = await startXapiLab({ taskStepMs: 5, password: LAB_PASSWORD, hosts: 1 });
    const [, net] = [...third.store.table('network')][0];
    net.name_label = 'Renamed';
    const p = new XenProvider(
      { name: 'third', platform: 'xen', url: third.url, username: 'root', repository: f.repo, maxRetries: 0 },
      { password: LAB_PASSWORD },
    );
    try {
      await p.connect();
      const logs: string[] = [];
      const vm = await p.restoreVm(entry, { name: 'bridged' }, { ...ctx(f), log: (l) => logs.push(l) });
      assert.deepEqual(vifNets(third, vm.uuid), ['Renamed']);
      assert.ok(
        logs.some((l) => /VIF 0 .*network "Renamed" \(same bridge\)/.test(l)),
        logs.join('\n'),
      );
    } finally {
      await p.disconnect();
      await third.close();
    }
  });

  it('a mapping for a VIF the backup does not have, or to a network that does not exist, is refused', async () => {
    await assert.rejects(
      target.restoreVm(entry, { networkMap: { '7': 'LAN' } }, ctx(f)),
      /--network 7=…: the backup has no VIF 7/,
    );
    await assert.rejects(
      target.restoreVm(entry, { networkMap: { '0': 'WAN' } }, ctx(f)),
      /no network "WAN"; the networks: "DMZ", "LAN"/,
    );
  });
});
