import { strict as assert } from 'node:assert';
import { Fixture, ctx, startFixture } from './labFixture';

describe('Xen provider: snapshots (XAPI lab)', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  it('creates a tagged snapshot of a running VM, reverts to it, deletes it with its disks', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const vdisBefore = f.lab.store.table('VDI').size;
    const snap = await f.provider.snapshot(vm.id, { name: 'before patch' }, ctx(f));
    assert.equal(snap.name, 'before patch');
    assert.equal(snap.madeByUs, true);
    assert.ok((await f.provider.listSnapshots(vm.id)).some((s) => s.id === snap.id));
    const snapVdis = f.lab.store.table('VDI').size - vdisBefore;
    assert.ok(snapVdis > 0);

    await f.provider.revert(snap.id, ctx(f));
    assert.equal(f.lab.store.table('VM').get(vm.id)!.uuid, vm.uuid, 'the VM keeps its identity after revert');

    const vdisAfterRevert = f.lab.store.table('VDI').size;
    await f.provider.deleteSnapshot(snap.id, ctx(f));
    assert.ok(!(await f.provider.listSnapshots(vm.id)).some((s) => s.id === snap.id));
    assert.equal(f.lab.store.table('VDI').size, vdisAfterRevert - snapVdis, 'the snapshot disks are destroyed too');
  });

  it('refuses to delete something that is not a snapshot', async () => {
    const vm = (await f.provider.listVms())[0];
    await assert.rejects(f.provider.deleteSnapshot(vm.id, ctx(f)), /OPERATION_NOT_ALLOWED/);
    assert.ok(f.lab.store.table('VM').has(vm.id));
  });

  it('cleanup never deletes a snapshot only because its other_config says temporary: it lists it as kept', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const [tagged] = await f.provider.xapi.callAsync('VM.snapshot', [vm.id, 'vmbackup-temp crashed']);
    await f.provider.xapi.call('VM.add_to_other_config', tagged, 'vmbackup:temporary', 'true');
    const keep = await f.provider.snapshot(vm.id, { name: 'user snapshot' }, ctx(f));
    const items = await f.provider.cleanup({ repository: f.repo }, ctx(f));
    assert.ok(f.lab.store.table('VM').has(tagged) && f.lab.store.table('VM').has(keep.id));
    assert.deepEqual(
      items.map((i) => [i.action, i.what.startsWith('snapshot "vmbackup-temp crashed"')]),
      [['kept', true]],
    );
    assert.match(items[0].why, /no journal entry names it/);
  });
});
