// The vSphere record cache kept current by WaitForUpdatesEx (vcsim): a power change and a snapshot made through
// another vim25 session reach the provider's listings and its watchers without a reload; after the session is
// dropped the watch logs in again, reloads once and continues.
import { strict as assert } from 'node:assert';
import { InventoryChange } from '../../src/core/inventoryEvents';
import { ContainerInfo, InventoryItem } from '../../src/core/model';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { consolidateDisks, createSnapshot, setPower } from '../../src/providers/vmware/vmwareSnapshots';
import { vmIcon } from '../../src/views/icons';
import { vmTooltipRows } from '../../src/views/vmTooltip';
import { newProvider, vcsimSuite } from './vmwareFixture';

async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  for (const end = Date.now() + 60_000; !(await pred()); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

describe('vSphere live inventory: record cache on WaitForUpdatesEx (vcsim)', function () {
  const fixture = vcsimSuite(this, { dc: 1, cluster: 0, host: 1, vm: 2 });
  let p: VmwareProvider;
  const changes: InventoryChange[] = [];
  let stop: () => void;

  before(async () => {
    const { sim } = fixture();
    p = newProvider(sim);
    await p.connect();
    stop = p.watch((c) => changes.push(c));
    await until('the watch’s first state', () => p.records.loads > 0);
  });
  after(async () => {
    stop?.();
    await p?.disconnect();
  });

  const vmsUnder = async (name: string) => {
    const [dc] = await p.listChildren();
    const host = (await p.listChildren(dc as ContainerInfo)).find(
      (i): i is ContainerInfo => i.type === 'container' && i.name === name,
    )!;
    return { host, vms: (await p.listChildren(host)).flatMap((i: InventoryItem) => (i.type === 'vm' ? [i.vm] : [])) };
  };

  it('a power change and a new snapshot made by another session reach the cache and its watchers, without a reload', async () => {
    const { client } = fixture(); // another session than the provider's
    const { host, vms } = await vmsUnder('DC0_H0');
    const vm = vms.find((v) => v.name === 'DC0_H0_VM0')!;
    assert.equal(vm.powerState, 'running');
    const loads = p.records.loads;
    changes.length = 0;

    await setPower(client, vm.id, false);
    await until('the power change reported', () =>
      changes.some((c) => c.vms.some((v) => v.id === vm.id && v.powerState === 'halted')),
    );
    const rowChange = changes.find((c) => c.vms.some((v) => v.id === vm.id))!;
    assert.ok(!rowChange.all, 'a VM row change, not a reload');
    assert.deepEqual(rowChange.childrenOf, [], 'only the row repaints');
    assert.equal((await vmsUnder('DC0_H0')).vms.find((v) => v.id === vm.id)!.powerState, 'halted');

    changes.length = 0;
    await createSnapshot(client, vm.id, { name: 'made elsewhere', memory: false, quiesce: false });
    await until('the snapshot reported', () => changes.some((c) => c.childrenOf.includes(vm.id)));
    assert.ok(changes.some((c) => c.vms.some((v) => v.id === vm.id && v.snapshotCount === 1)));
    assert.deepEqual(
      (await p.listSnapshots(vm.id)).map((s) => [s.name, s.isCurrent]),
      [['made elsewhere', true]],
    );
    assert.ok(!changes.some((c) => c.all));
    assert.equal(p.records.loads, loads, 'served from the cache: nothing was read again');
    assert.ok(host.isHost);
  });

  it('a dropped session: the watch logs in again, reloads once and reports what changed meanwhile', async () => {
    const { client } = fixture();
    const { vms } = await vmsUnder('DC0_H0');
    const vm = vms.find((v) => v.name === 'DC0_H0_VM1')!;
    const loads = p.records.loads;
    changes.length = 0;
    await p.vim.logout(); // the session the pending WaitForUpdatesEx and its collector belong to ends
    await setPower(client, vm.id, false);
    await until('the power change after the new session', () =>
      changes.some((c) => c.vms.some((v) => v.id === vm.id && v.powerState === 'halted')),
    );
    assert.ok(p.vim.loggedIn, 'logged in again');
    assert.equal(p.records.loads, loads + 1, 'one reload (the new watch’s first state)');
  });
});

describe('vSphere live inventory: the tree opening reads the inventory once (vcsim)', function () {
  const fixture = vcsimSuite(this, { dc: 1, cluster: 1, clusterHost: 2, host: 1, vm: 2 });
  let p: VmwareProvider | undefined;
  let stop: (() => void) | undefined;
  after(async () => {
    stop?.();
    await p?.disconnect();
  });

  it('starting the watch and then listing (as the tree does) reads once: the listing waits for the watch’s first state', async () => {
    const provider = (p = newProvider(fixture().sim));
    await provider.connect();
    // A counting front on the client: every vim25 call the provider makes, by method.
    const methods: string[] = [];
    const vim = provider.vim as unknown as { call: (method: string, ...rest: unknown[]) => Promise<unknown> };
    const call = vim.call.bind(vim);
    vim.call = (method, ...rest) => {
      methods.push(method);
      return call(method, ...rest);
    };
    stop = provider.watch(() => undefined);
    const top = await provider.listChildren();
    assert.deepEqual(
      top.map((i) => (i.type === 'container' ? i.name : '')),
      ['DC0'],
    );
    const level = await provider.listChildren(top[0] as ContainerInfo);
    assert.deepEqual(
      level.map((i) => (i.type === 'container' ? `${i.kind} ${i.name}` : '')),
      ['cluster DC0_C0', 'host DC0_H0'],
    );
    assert.equal((await provider.listVms()).length, 4);
    assert.equal((await provider.listStorage()).length, 1);
    assert.equal(methods.filter((m) => m === 'RetrievePropertiesEx').length, 0, `no RetrievePropertiesEx: ${methods}`);
    assert.ok(methods.includes('WaitForUpdatesEx'));
    assert.equal(provider.records.loads, 1, 'the inventory was read once (the watch’s first state)');
  });

  it('without a watch, a listing reads for itself (RetrievePropertiesEx)', async () => {
    stop?.();
    stop = undefined;
    const provider = p!;
    provider.records.invalidate();
    const loads = provider.records.loads;
    assert.equal((await provider.listVms()).length, 4);
    assert.equal(provider.records.loads, loads + 1);
  });
});

describe('vSphere live inventory: a VM with a running task is busy (vcsim, a slow ConsolidateVMDisks_Task)', function () {
  const fixture = vcsimSuite(this, { dc: 1, cluster: 0, host: 1, vm: 2, taskMs: 3_000 });
  let p: VmwareProvider | undefined;
  let stop: (() => void) | undefined;
  after(async () => {
    stop?.();
    await p?.disconnect();
  });

  it('the task’s VM shows busy (spinning icon, the task’s name in the tooltip) while it runs, and idle after, through the watch', async () => {
    const provider = (p = newProvider(fixture().sim));
    await provider.connect();
    const changes: InventoryChange[] = [];
    stop = provider.watch((c) => changes.push(c));
    const vm = (await provider.listVms()).find((v) => v.name === 'DC0_H0_VM0')!;
    assert.equal(vm.operations, undefined, 'idle at first');
    const loads = provider.records.loads;
    // Another session starts the task (as the vSphere Client would); the provider learns of it through its watch.
    const { client } = fixture();
    const task = consolidateDisks(client, vm.id, { pollMs: 100 });
    await until('the VM reported busy', () =>
      changes.some((c) => c.vms.some((v) => v.id === vm.id && v.operations?.includes('ConsolidateVMDisks'))),
    );
    const busy = (await provider.listVms()).find((v) => v.id === vm.id)!;
    assert.deepEqual(busy.operations, ['ConsolidateVMDisks']);
    assert.deepEqual(vmIcon(busy), { id: 'sync~spin' });
    assert.equal(
      vmTooltipRows(busy, undefined, undefined).find((r) => r.label === 'Power')?.value,
      'running · busy: ConsolidateVMDisks',
    );
    assert.ok(!(await provider.listVms()).find((v) => v.name === 'DC0_H0_VM1')!.operations, 'only that VM');
    await task;
    await until(
      'the VM reported idle',
      async () => !(await provider.listVms()).find((v) => v.id === vm.id)!.operations,
    );
    assert.ok(changes.some((c) => c.vms.some((v) => v.id === vm.id && !v.operations)));
    assert.ok(!changes.some((c) => c.all), 'row repaints, not a reload');
    assert.equal(provider.records.loads, loads, 'kept current by the watch: nothing read again');
  });
});
