// The record cache's first load in pages (WaitForUpdatesEx with WaitOptions.maxObjectUpdates, UpdateSet.truncated;
// the launcher serves it as the API reference describes: test/peers/vcsim/truncated.go): every VM arrives, in answers
// of at most the page size, and the watch then carries live changes.
import { strict as assert } from 'node:assert';
import { InventoryChange } from '../../src/core/inventoryEvents';
import { VimClient, returnval } from '../../src/providers/vmware/vimClient';
import { createContainerView, viewFilterSpec } from '../../src/providers/vmware/vimPropertyCollector';
import { el } from '../../src/providers/vmware/vimSoap';
import { INVENTORY_SPECS } from '../../src/providers/vmware/vmwareRecords';
import { VimValue, asList, asMoRef, asObject, decodeValue } from '../../src/providers/vmware/vimValue';
import { VsphereRecordCache } from '../../src/providers/vmware/vmwareRecordCache';
import { setPower } from '../../src/providers/vmware/vmwareSnapshots';
import { expectedCounts } from '../peers/vcsim/vcsim';
import { newClient, vcsimSuite } from './vmwareFixture';

async function until(what: string, pred: () => boolean): Promise<void> {
  for (const end = Date.now() + 60_000; !pred(); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

/** The ObjectUpdate entries of each WaitForUpdatesEx answer `client` receives, and whether it was truncated. */
function recordAnswers(client: VimClient): Array<{ objects: number; truncated: boolean }> {
  const answers: Array<{ objects: number; truncated: boolean }> = [];
  const invokeValues = client.invokeValues.bind(client);
  client.invokeValues = async (method, self, args, signal, onField) => {
    const values = await invokeValues(method, self, args, signal, onField);
    if (method === 'WaitForUpdatesEx' && values.length) {
      const set = asObject(values[0], 'UpdateSet');
      const objects = asList(set.filterSet).reduce(
        (n: number, f: VimValue) => n + asList(asObject(f, 'PropertyFilterUpdate').objectSet).length,
        0,
      );
      answers.push({ objects, truncated: set.truncated === true || set.truncated === 'true' });
    }
    return values;
  };
  return answers;
}

describe('vSphere record cache: the first load in pages (WaitForUpdatesEx maxObjectUpdates, vcsim)', function () {
  const opts = { dc: 1, cluster: 1, host: 1, vm: 6 };
  const fixture = vcsimSuite(this, opts);
  let watcher: VimClient | undefined;
  let stop: (() => void) | undefined;
  let cache: VsphereRecordCache | undefined;
  after(async () => {
    stop?.();
    await cache?.stop();
    await watcher?.logout().catch(() => undefined);
  });

  it('a page size smaller than the inventory: every VM, in truncated answers of at most a page, then live updates', async () => {
    const { sim, client } = fixture();
    const vms = expectedCounts(opts).vms; // 12
    const page = 5;
    watcher = newClient(sim);
    await watcher.connect();
    const answers = recordAnswers(watcher);
    cache = new VsphereRecordCache(watcher, { pageSize: page, maxWaitSeconds: 2 });
    const changes: InventoryChange[] = [];
    stop = cache.watch((c) => changes.push(c));
    await until('the first state', () => cache!.loads > 0);

    const inv = await cache.inventory();
    assert.equal(inv.vms.length, vms);
    // The first state came in pages: every answer but the last truncated, none over the page size.
    const first = answers.slice(0, answers.findIndex((a) => !a.truncated) + 1);
    assert.ok(first.length >= 2, `the first state in ${first.length} answer(s)`);
    assert.ok(
      first.slice(0, -1).every((a) => a.truncated && a.objects === page),
      JSON.stringify(first),
    );
    assert.ok(
      first.every((a) => a.objects <= page),
      JSON.stringify(first),
    );
    assert.equal(cache.loads, 1);

    // Then live: a VM powered off by another session reaches the cache without another load.
    const vm = inv.vms.find((v) => v.powerState === 'poweredOn')!;
    await setPower(client, vm.id, false);
    await until('the power change', () =>
      changes.some((c) => c.vms.some((v) => v.id === vm.id && v.powerState === 'halted')),
    );
    assert.equal((await cache.inventory()).vms.find((v) => v.id === vm.id)!.powerState, 'poweredOff');
    assert.equal(cache.loads, 1);
  });

  it('the launcher as the API reference says: a truncated data version serves once (then InvalidArgument); maxObjectUpdates 0 is illegal', async () => {
    const { client } = fixture();
    const pc = asMoRef(
      decodeValue(returnval(await client.invoke('CreatePropertyCollector', client.content.propertyCollector), 'pc')),
      'pc',
    );
    const view = await createContainerView(client, client.content.rootFolder, INVENTORY_SPECS);
    try {
      await client.invoke(
        'CreateFilter',
        pc,
        `<spec>${viewFilterSpec(INVENTORY_SPECS, view)}</spec>${el('partialUpdates', false)}`,
      );
      const wait = (version: string, max: number) =>
        client.invokeValues(
          'WaitForUpdatesEx',
          pc,
          `${el('version', version)}<options>${el('maxWaitSeconds', 1)}${el('maxObjectUpdates', max)}</options>`,
        );
      const code = (p: Promise<unknown>) =>
        p.then(
          () => 'no fault',
          (e: { code?: string }) => e.code,
        );
      assert.equal(await code(wait('', 0)), 'InvalidArgument');
      const [first] = await wait('', 3);
      const set = asObject(first, 'UpdateSet');
      assert.equal(String(set.truncated), 'true');
      const version = String(set.version);
      const [second] = await wait(version, 3);
      assert.ok(asList(asObject(second, 'UpdateSet').filterSet).length > 0, 'the next part');
      assert.equal(
        await code(wait(version, 3)),
        'InvalidArgument',
        'a truncated data version cannot be used more than once',
      );
    } finally {
      await client.invoke('DestroyPropertyCollector', pc).catch(() => undefined);
      await client.invoke('DestroyView', view).catch(() => undefined);
    }
  });
});
