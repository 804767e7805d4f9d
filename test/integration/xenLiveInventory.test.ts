import { ContainerInfo } from '../../src/core/model';
// The Xen provider's live inventory: what another client (a second XapiClient session, as xe or XenCenter) changes
// is reported by watch() and listed without a refresh and without fetching the pool's records again.
import { strict as assert } from 'node:assert';
import { Fixture, LAB_PASSWORD, startFixture } from './labFixture';
import { XapiClient } from '../../src/providers/xen/xapiClient';
import { InventoryChange } from '../../src/core/inventoryEvents';

describe('Xen provider: live inventory (XAPI events)', function () {
  this.timeout(60_000);
  let f: Fixture;
  let xe: XapiClient;
  let stop: (() => void) | undefined;
  const seen: InventoryChange[] = [];

  beforeEach(async () => {
    f = await startFixture({ hosts: 2, vmsPerHost: 3 });
    xe = new XapiClient({ url: f.lab.url, username: 'root', password: LAB_PASSWORD });
    await xe.login();
    seen.length = 0;
    await f.provider.listChildren();
    stop = f.provider.watch((c) => seen.push(c));
  });
  afterEach(async () => {
    stop?.();
    await xe.logout();
    await f.provider.disconnect();
    await f.lab.close();
  });

  /** Waits (a generous readiness wait, no timing assertion) until a reported change satisfies `pred`. */
  async function reported(pred: (c: InventoryChange) => boolean, what: string): Promise<InventoryChange> {
    for (let i = 0; i < 400; i++) {
      const hit = seen.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`never reported: ${what}; got ${JSON.stringify(seen)}`);
  }
  const allRecordFetches = () => f.lab.requests.filter((r) => r.endsWith('.get_all_records')).length;

  it('a snapshot made by another session is reported for its VM and appears in listSnapshots without a reload', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const before = (await f.provider.listSnapshots(vm.id)).length;
    const fetches = allRecordFetches();
    const snap = await xe.call<string>('VM.snapshot', vm.id, 'taken by xe');
    const change = await reported((c) => c.childrenOf.includes(vm.id), "the VM's snapshots changed");
    assert.equal(change.vms.find((v) => v.id === vm.id)?.snapshotCount, before + 1);
    const after = await f.provider.listSnapshots(vm.id);
    assert.deepEqual(
      after.map((s) => s.id).filter((id) => id === snap),
      [snap],
    );
    assert.equal(after.find((s) => s.id === snap)?.name, 'taken by xe');
    assert.equal(allRecordFetches(), fetches, 'no get_all_records after the first load');
  });

  it('a power change is reported as the VM row (with its host), a new VM as a change of its parent; busy VMs carry their operations', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    await xe.call('VM.start', vm.id, false, false);
    const started = await reported(
      (c) => c.vms.some((v) => v.id === vm.id && v.powerState === 'running'),
      'VM running',
    );
    const host = started.vms.find((v) => v.id === vm.id)!.hostId!;
    assert.ok(started.childrenOf.includes(host), 'the VM moved under its host');
    assert.ok(
      (await f.provider.listChildren({ kind: 'host', id: host })).some(
        (i) => i.type === 'vm' && i.vm.id === vm.id && i.vm.powerState === 'running',
      ),
    );

    const clone = await xe.call<string>(
      'VM.clone',
      (await f.provider.listVms()).find((v) => v.powerState === 'halted')!.id,
      'cloned by xe',
    );
    const pool = ((await f.provider.listChildren())[0] as ContainerInfo).id;
    await reported(
      (c) => c.childrenOf.includes(pool) && c.vms.some((v) => v.id === clone),
      'the new VM under the pool',
    );

    const task = await xe.call<string>('Async.VM.clean_shutdown', vm.id);
    await reported((c) => c.vms.some((v) => v.id === vm.id && (v.operations ?? []).length > 0), 'the VM busy');
    await xe.waitTask(task);
    await reported(
      (c) => c.vms.some((v) => v.id === vm.id && v.powerState === 'halted' && !v.operations),
      'the VM halted and idle',
    );
  });
});
