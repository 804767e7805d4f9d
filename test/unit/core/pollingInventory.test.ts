// A platform without an event stream is polled while watched: changed rows, added/removed/moved VMs reported; no
// listing once nobody watches; what changed while nobody watched is reported when a watch starts again.
import { strict as assert } from 'node:assert';
import { InventoryChange } from '../../../src/core/inventoryEvents';
import { VmInfo } from '../../../src/core/model';
import { pollingInventory } from '../../../src/core/pollingInventory';

const vm = (id: string, over: Partial<VmInfo> = {}): VmInfo => ({
  id,
  uuid: id,
  name: id,
  powerState: 'running',
  hostId: 'srv1',
  poolId: 'pool1',
  snapshotCount: 0,
  ...over,
});

async function until(what: string, pred: () => boolean): Promise<void> {
  for (const end = Date.now() + 20_000; !pred(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

describe('pollingInventory', () => {
  it('reports changed rows and the places of added, removed and moved VMs; polls only while watched', async () => {
    let vms = [vm('a'), vm('b'), vm('c', { hostId: undefined })];
    let listings = 0;
    const inv = pollingInventory(
      async () => {
        listings++;
        return vms;
      },
      { intervalMs: 5 },
    );
    const seen: InventoryChange[] = [];
    let stop = inv.watch((c) => seen.push(c));
    await until('the reference listing and one more', () => listings >= 2);
    assert.equal(seen.length, 0, 'nothing changed');

    vms = [vm('a', { powerState: 'halted' }), vm('b', { hostId: 'srv2' }), vm('d')];
    await until('the change', () => seen.length > 0);
    assert.deepEqual(
      seen[0].vms.map((v) => [v.id, v.powerState, v.hostId]),
      [
        ['a', 'halted', 'srv1'],
        ['b', 'running', 'srv2'],
      ],
    );
    assert.deepEqual([...seen[0].childrenOf].sort(), ['pool1', 'srv1', 'srv2']);
    assert.ok(!seen[0].all);

    stop(); // a listing under way was counted when it started; no other starts
    const after = listings;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(listings, after, 'no listing while nobody watches');

    vms = [vm('a', { powerState: 'halted' }), vm('b', { hostId: 'srv2' }), vm('d', { name: 'renamed' })];
    seen.splice(0);
    stop = inv.watch((c) => seen.push(c));
    await until('the change made while nobody watched', () => seen.length > 0);
    assert.deepEqual(
      seen[0].vms.map((v) => v.name),
      ['renamed'],
    );
    stop();
  });
});
