import { strict as assert } from 'node:assert';
import { ChildrenCache } from '../../../src/views/childrenCache';

/** A load that reads the "inventory" when it starts and answers when the test lets it (like an HTTP round trip). */
function gatedInventory(initial: string[]) {
  let inventory = [...initial];
  let loads = 0;
  const gates: Array<() => void> = [];
  const load = async () => {
    loads++;
    const seen = [...inventory];
    await new Promise<void>((r) => gates.push(r));
    return seen;
  };
  const loadNow = async () => {
    loads++;
    return [...inventory];
  };
  return {
    load,
    loadNow,
    set: (next: string[]) => {
      inventory = next;
    },
    loads: () => loads,
    /** Resolves once the n-th load is under way (it has read the inventory and waits for its answer). */
    started: async (n: number) => {
      for (let turns = 0; loads < n; turns++) {
        if (turns > 100) throw new Error(`load ${n} never started`);
        await new Promise((r) => setImmediate(r));
      }
    },
    /** Lets the oldest waiting load answer. */
    open: async () => {
      for (let turns = 0; !gates.length; turns++) {
        if (turns > 100) throw new Error('no load is waiting for its answer');
        await new Promise((r) => setImmediate(r));
      }
      gates.shift()!();
    },
  };
}

describe('ChildrenCache (tree children)', () => {
  it('loads a key once and answers from the cache until it is invalidated', async () => {
    const inv = gatedInventory(['a']);
    const cache = new ChildrenCache<string>();
    assert.deepEqual(await cache.get('c:lab/v:1', inv.loadNow), ['a']);
    inv.set(['a', 'b']);
    assert.deepEqual(await cache.get('c:lab/v:1', inv.loadNow), ['a']);
    assert.equal(inv.loads(), 1);
    cache.invalidate('c:lab');
    assert.deepEqual(await cache.get('c:lab/v:1', inv.loadNow), ['a', 'b']);
    assert.equal(inv.loads(), 2);
  });

  it('invalidating a key forgets it and the keys below it, not its siblings', async () => {
    const inv = gatedInventory(['x']);
    const cache = new ChildrenCache<string>();
    for (const key of ['c:lab', 'c:lab/p:1', 'c:lab2']) await cache.get(key, inv.loadNow);
    inv.set(['y']);
    cache.invalidate('c:lab');
    assert.deepEqual(await cache.get('c:lab/p:1', inv.loadNow), ['y']);
    assert.deepEqual(await cache.get('c:lab', inv.loadNow), ['y']);
    assert.deepEqual(await cache.get('c:lab2', inv.loadNow), ['x']);
  });

  it('does not keep a load that was running when a job invalidated the cache: the new snapshot shows (UI check race)', async () => {
    // The tree expands a VM (load starts, reads the snapshots), the snapshot job ends and refreshes, then the load
    // answers with the list from before the snapshot. Kept, it would hide the new snapshot until the next refresh.
    const inv = gatedInventory(['e2e snapshot']);
    const cache = new ChildrenCache<string>();
    const first = cache.get('c:lab/h:1/v:1', inv.load);
    await new Promise((r) => setImmediate(r));
    inv.set(['e2e snapshot', 'ui snapshot']);
    cache.invalidate('c:lab');
    await inv.open();
    await inv.open();
    assert.deepEqual(await first, ['e2e snapshot', 'ui snapshot'], 'the stale answer is replaced by a second load');
    assert.equal(inv.loads(), 2);
    assert.deepEqual(
      await cache.get('c:lab/h:1/v:1', inv.loadNow),
      ['e2e snapshot', 'ui snapshot'],
      'and the fresh one is cached',
    );
    assert.equal(inv.loads(), 2);
  });

  it('with invalidations during every load, answers after three loads without caching the answer', async () => {
    const inv = gatedInventory(['a']);
    const cache = new ChildrenCache<string>();
    const pending = cache.get('k', inv.load);
    for (let i = 0; i < 3; i++) {
      await inv.started(i + 1);
      cache.invalidate();
      inv.set([`v${i}`]);
      await inv.open();
    }
    assert.deepEqual(await pending, ['v1'], 'the third load read the inventory before the last change');
    assert.equal(inv.loads(), 3);
    assert.deepEqual(await cache.get('k', inv.loadNow), ['v2']);
    assert.equal(inv.loads(), 4, 'the racing answer was not cached');
  });

  it('touch() keeps what is cached but does not keep a load that raced with an in-place change (an event repainted a VM row)', async () => {
    // The tree lists a host (load starts, reads the VMs), an event changes a VM's power state and the tree updates the
    // cached VM node in place (touch), then the load answers with the VM as it was. Kept, it would show the old state.
    const inv = gatedInventory(['vm1 halted']);
    const cache = new ChildrenCache<string>();
    assert.deepEqual(await cache.get('c:lab/p:1', inv.loadNow), ['vm1 halted']);
    const host = cache.get('c:lab/p:1/h:1', inv.load);
    await inv.started(2);
    inv.set(['vm1 running']);
    cache.touch();
    await inv.open();
    await inv.open();
    assert.deepEqual(await host, ['vm1 running'], 'the stale answer is replaced by a second load');
    assert.deepEqual(await cache.get('c:lab/p:1', inv.loadNow), ['vm1 halted'], 'touch forgets nothing that is cached');
    assert.equal(inv.loads(), 3);
  });
});
