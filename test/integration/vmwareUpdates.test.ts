import { strict as assert } from 'node:assert';
import { ObjectUpdate, watchContainer } from '../../src/providers/vmware/vimUpdates';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { consolidateDisks, createSnapshot, renameSnapshot, setPower } from '../../src/providers/vmware/vmwareSnapshots';
import { VmwareFixture, vcsimSuite } from './vmwareFixture';

/** Waits (generously: the machine is shared) until `pred` holds. */
async function until(what: string, pred: () => boolean): Promise<void> {
  for (const end = Date.now() + 60_000; !pred(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('vSphere live updates: WaitForUpdatesEx (vcsim)', function () {
  const fixture = vcsimSuite(this, { consolidationNeeded: ['DC0_H0_VM1'] });
  let f: VmwareFixture;
  before(async () => {
    f = fixture();
  });

  it('every VM enters first, then snapshot, power and rename changes arrive; an abort ends the watch cleanly', async () => {
    const inv = await readInventory(f.client);
    const vm = inv.vms[0];
    const seen: ObjectUpdate[] = [];
    const ac = new AbortController();
    const watching = watchContainer(
      f.client,
      f.client.content.rootFolder,
      [{ type: 'VirtualMachine', pathSet: ['name', 'runtime.powerState', 'runtime.consolidationNeeded', 'snapshot'] }],
      (u) => seen.push(...u),
      { signal: ac.signal, maxWaitSeconds: 1 },
    );
    const changed = (name: RegExp) =>
      seen.some((u) => u.kind === 'modify' && u.obj.value === vm.id && u.changes.some((c) => name.test(c.name)));

    await until(
      'the initial enter of every VM',
      () => seen.filter((u) => u.kind === 'enter').length === inv.vms.length,
    );
    const enter = seen.find((u) => u.obj.value === vm.id)!;
    assert.deepEqual(enter.changes.find((c) => c.name === 'runtime.powerState')?.val, 'poweredOn');

    const snap = await createSnapshot(f.client, vm.id, { name: 'watched', memory: false, quiesce: false });
    await until('the snapshot change', () => changed(/^snapshot/));
    await setPower(f.client, vm.id, false);
    await until('the power change', () =>
      seen.some(
        (u) =>
          u.obj.value === vm.id && u.changes.some((c) => c.name === 'runtime.powerState' && c.val === 'poweredOff'),
      ),
    );
    const before = seen.length;
    await renameSnapshot(f.client, snap, { name: 'renamed' });
    await until('the rename', () =>
      seen.slice(before).some((u) => u.obj.value === vm.id && u.changes.some((c) => c.name.startsWith('snapshot'))),
    );

    const other = inv.vms.find((v) => v.name === 'DC0_H0_VM1')!;
    await consolidateDisks(f.client, other.id, { pollMs: 20 });
    await until('consolidationNeeded false', () =>
      seen.some(
        (u) =>
          u.kind === 'modify' &&
          u.obj.value === other.id &&
          u.changes.some((c) => c.name === 'runtime.consolidationNeeded' && c.val === false),
      ),
    );

    ac.abort();
    await watching; // resolves: CancelWaitForUpdates, collector and view destroyed
    assert.ok(!seen.some((u) => u.kind === 'leave'));
  });
});
