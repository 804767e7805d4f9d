import { strict as assert } from 'node:assert';
import { CancelledError, VendorError } from '../../src/core/errors';
import { readInventory, readVm } from '../../src/providers/vmware/vmwareInventory';
import { flattenSnapshots } from '../../src/providers/vmware/vmwareRecords';
import {
  consolidateDisks,
  createSnapshot,
  removeAllSnapshots,
  removeSnapshot,
  renameSnapshot,
  revertToSnapshot,
  setPower,
} from '../../src/providers/vmware/vmwareSnapshots';
import { waitForTask } from '../../src/providers/vmware/vimTasks';
import { VimClient } from '../../src/providers/vmware/vimClient';
import { VmwareFixture, vcsimSuite } from './vmwareFixture';

async function vmByName(client: VimClient, name: string): Promise<string> {
  const vm = (await readInventory(client)).vms.find((v) => v.name === name);
  assert.ok(vm, `VM ${name}`);
  return vm.id;
}

describe('vSphere snapshots (vcsim)', function () {
  const fixture = vcsimSuite(this, { consolidationNeeded: ['DC0_H0_VM1'] });
  let f: VmwareFixture;
  before(async () => {
    f = fixture();
  });

  it('create, a child, rename, revert, remove one, remove all: each changes the tree the inventory shows', async () => {
    const vmId = await vmByName(f.client, 'DC0_H0_VM0');
    const progress: number[] = [];
    const a = await createSnapshot(
      f.client,
      vmId,
      { name: 'before patch', description: 'd1', memory: false, quiesce: true },
      { onProgress: (p) => progress.push(p), pollMs: 20 },
    );
    assert.equal(progress[progress.length - 1], 1);
    let vm = await readVm(f.client, vmId);
    assert.deepEqual(
      vm.snapshots.map((s) => [s.id, s.name, s.quiesced, s.isCurrent]),
      [[a, 'before patch', true, true]],
    );
    assert.equal(vm.snapshots[0].state, 'poweredOn');

    const b = await createSnapshot(f.client, vmId, { name: 'after patch', memory: true, quiesce: false });
    vm = await readVm(f.client, vmId);
    assert.equal(vm.currentSnapshotId, b);
    assert.deepEqual(
      vm.snapshots[0].children.map((s) => [s.id, s.parentId, s.isCurrent]),
      [[b, a, true]],
      'the second is a child of the first and current',
    );

    await renameSnapshot(f.client, b, { name: 'after patch <ok> & "quoted"', description: 'renamed' });
    vm = await readVm(f.client, vmId);
    assert.equal(vm.snapshots[0].children[0].name, 'after patch <ok> & "quoted"');
    assert.equal(vm.snapshots[0].children[0].description, 'renamed');

    await revertToSnapshot(f.client, a);
    vm = await readVm(f.client, vmId);
    assert.equal(vm.currentSnapshotId, a, 'You are here: the reverted-to snapshot');
    assert.deepEqual(
      flattenSnapshots(vm.snapshots)
        .filter((s) => s.isCurrent)
        .map((s) => s.id),
      [a],
    );

    // The current snapshot, a root with a child (vcsim 0.24.2 panics here without the launcher's forgetCurrentRoot).
    await removeSnapshot(f.client, a, { removeChildren: false, consolidate: true });
    vm = await readVm(f.client, vmId);
    assert.deepEqual(
      flattenSnapshots(vm.snapshots).map((s) => s.id),
      [b],
      'the child stays when removeChildren is false',
    );
    assert.equal(vm.currentSnapshotId, undefined, 'a removed root leaves no current snapshot');

    const c = await createSnapshot(f.client, vmId, { name: 'third', memory: false, quiesce: false });
    assert.equal(flattenSnapshots((await readVm(f.client, vmId)).snapshots).length, 2);
    await removeAllSnapshots(f.client, vmId, { consolidate: true });
    vm = await readVm(f.client, vmId);
    assert.deepEqual(vm.snapshots, []);
    assert.equal(vm.currentSnapshotId, undefined);
    assert.ok(c);
  });

  it('removing a snapshot with removeChildren removes its subtree', async () => {
    const vmId = await vmByName(f.client, 'DC0_C0_RP0_VM0');
    const root = await createSnapshot(f.client, vmId, { name: 'root', memory: false, quiesce: false });
    await createSnapshot(f.client, vmId, { name: 'child', memory: false, quiesce: false });
    await createSnapshot(f.client, vmId, { name: 'grandchild', memory: false, quiesce: false });
    assert.equal(flattenSnapshots((await readVm(f.client, vmId)).snapshots).length, 3);
    await removeSnapshot(f.client, root, { removeChildren: true });
    assert.deepEqual((await readVm(f.client, vmId)).snapshots, []);
  });

  it('consolidates the disks of a VM that needs it', async () => {
    const vmId = await vmByName(f.client, 'DC0_H0_VM1');
    assert.equal((await readVm(f.client, vmId)).consolidationNeeded, true);
    await consolidateDisks(f.client, vmId, { pollMs: 20 });
    assert.equal((await readVm(f.client, vmId)).consolidationNeeded, false);
  });

  it('faults come back verbatim: ManagedObjectNotFound (SOAP), InvalidPowerState (task error, and SOAP), InvalidState', async () => {
    const gone = await removeSnapshot(f.client, 'snapshot-99999', { removeChildren: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(gone instanceof VendorError && gone.code === 'ManagedObjectNotFound', String(gone));
    assert.ok(gone.params.includes('VirtualMachineSnapshot:snapshot-99999'), gone.message);

    const vmId = await vmByName(f.client, 'DC0_C0_RP0_VM1');
    const on = await setPower(f.client, vmId, true).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(on instanceof VendorError && on.code === 'InvalidPowerState', String(on));

    const unregister = await f.client.invoke('UnregisterVM', { type: 'VirtualMachine', value: vmId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(unregister instanceof VendorError && unregister.code === 'InvalidPowerState', String(unregister));

    const done = await createSnapshotTask(f.client, vmId);
    const late = await f.client.invoke('CancelTask', done).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(late instanceof VendorError && late.code === 'InvalidState', String(late));
  });
});

async function createSnapshotTask(client: VimClient, vmId: string) {
  const { el } = await import('../../src/providers/vmware/vimSoap');
  const res = await client.invoke(
    'CreateSnapshot_Task',
    { type: 'VirtualMachine', value: vmId },
    el('name', 'x') + el('memory', false) + el('quiesce', false),
  );
  const task = { type: 'Task', value: res.children[0].text };
  await waitForTask(client, task);
  return task;
}

describe('vSphere task cancel (vcsim, a slow ConsolidateVMDisks_Task)', function () {
  const fixture = vcsimSuite(this, { taskMs: 60_000, consolidationNeeded: ['DC0_H0_VM0'] });
  let f: VmwareFixture;
  before(async () => {
    f = fixture();
  });

  it('an abort sends CancelTask; the task ends RequestCanceled and the VM still needs consolidation', async () => {
    const vmId = await vmByName(f.client, 'DC0_H0_VM0');
    const ac = new AbortController();
    const seen: number[] = [];
    const err = await consolidateDisks(f.client, vmId, {
      signal: ac.signal,
      pollMs: 50,
      onProgress: (p) => {
        seen.push(p);
        if (p > 0) ac.abort();
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof CancelledError, String(err));
    assert.match(err.message, /RequestCanceled/);
    assert.ok(
      seen.some((p) => p > 0 && p < 1),
      'progress was reported before the cancel',
    );
    assert.equal((await readVm(f.client, vmId)).consolidationNeeded, true);
  });

  it('a task that makes no progress for idleMs fails with TASK_IDLE and is cancelled on the server', async () => {
    const vmId = await vmByName(f.client, 'DC0_H0_VM0');
    // The launcher's task moves every 3 s (60 s in 20 steps); an idle limit of 0.3 s is exceeded between two steps.
    const err = await consolidateDisks(f.client, vmId, { pollMs: 50, idleMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError && err.code === 'TASK_IDLE', String(err));
    const task = { type: 'Task', value: err.params[0].split(' ')[0] };
    const ended = await waitForTask(f.client, task, { pollMs: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(ended instanceof VendorError && ended.code === 'RequestCanceled', String(ended));
  });
});
