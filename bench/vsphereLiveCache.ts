// The vSphere live cache (vmwareRecordCache.ts on WaitForUpdatesEx) against a vcsim of `vms` VMs: its first load
// against `curl` posting the same first WaitForUpdatesEx (version "" on a filter over the same ContainerView: every
// object 'enter'), the memory the cache holds, and a VM powered off by another session (a govc-like PowerOffVM_Task)
// reaching the cache's listener — from the task's completion (TaskInfo.completeTime, same clock) and from the
// WaitForUpdatesEx reply that carried it. Rows only, no assertion (the machine is shared).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVcsim } from '../test/peers/vcsim/vcsim';
import { VimClient, returnval } from '../src/providers/vmware/vimClient';
import { envelope, el } from '../src/providers/vmware/vimSoap';
import {
  createContainerView,
  propSets,
  retrieveObject,
  viewObjectSet,
} from '../src/providers/vmware/vimPropertyCollector';
import { MoRef, VimValue, asMoRef, asObject, decodeValue, optString } from '../src/providers/vmware/vimValue';
import { VsphereRecordCache } from '../src/providers/vmware/vmwareRecordCache';
import { INVENTORY_SPECS } from '../src/providers/vmware/vmwareRecords';
import { InventoryChange } from '../src/core/inventoryEvents';
import { median, runMeasured, timed } from './measure';

type Row = [string, string, string];
const EVENTS = Number(process.env.BENCH_VSPHERE_EVENTS ?? 7);

async function until(what: string, pred: () => boolean, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; !pred(); await new Promise((r) => setTimeout(r, 1)))
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
}

/** Rows for the live cache: first load vs curl (`rounds` alternating), memory, event latency. */
export async function vsphereLiveCacheBench(rounds: number, vms: number): Promise<Row[]> {
  const sim = await startVcsim({ dc: 1, cluster: 1, host: 0, vm: vms });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-vsphere-live-'));
  const connect = async () => {
    const c = new VimClient({ url: sim.baseUrl, username: 'user', password: 'pass', thumbprint: sim.sha256 });
    await c.connect();
    return c;
  };
  try {
    const client = await connect();
    // curl's request: the first WaitForUpdatesEx of a new collector with one filter over a new ContainerView, as the
    // cache's (made before each curl run, not timed: vcsim answers each filter's objects only once, property_collector.go
    // apply keeps filter.refs).
    const body = path.join(dir, 'wait.xml');
    const curl = async () => {
      const pc = asMoRef(
        decodeValue(returnval(await client.invoke('CreatePropertyCollector', client.content.propertyCollector), 'x')),
        'CreatePropertyCollector',
      );
      const view = await createContainerView(client, client.content.rootFolder, INVENTORY_SPECS);
      await client.invoke(
        'CreateFilter',
        pc,
        `<spec>${propSets(INVENTORY_SPECS)}${viewObjectSet(view)}</spec>${el('partialUpdates', false)}`,
      );
      fs.writeFileSync(
        body,
        envelope('WaitForUpdatesEx', pc, `${el('version', '')}<options>${el('maxWaitSeconds', 30)}</options>`),
      );
      const m = await runMeasured(
        'curl -sSk -o /dev/null -X POST -H "Content-Type: text/xml" -H "Cookie: $1" --data-binary @"$2" "$3"',
        [client.dataPlane().headers.Cookie, body, sim.url],
      );
      await client.invoke('DestroyPropertyCollector', pc);
      await client.invoke('DestroyView', view);
      return m;
    };
    const firstLoad = async () => {
      const cache = new VsphereRecordCache(client);
      const stop = cache.watch(() => undefined);
      await until('the first state', () => cache.loads > 0);
      return { cache, stop };
    };
    const ours: number[] = [];
    const theirs: number[] = [];
    await curl(); // warm-up for both
    for (let r = 0; r < rounds; r++) {
      const m = await timed(firstLoad);
      ours.push(m.seconds);
      await m.value.cache.stop(); // its collector and view destroyed before the next run
      m.value.stop();
      theirs.push((await curl()).seconds);
    }

    // Memory: the heap a watching cache of the whole inventory keeps.
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const watcher = new VimClient({ url: sim.baseUrl, username: 'user', password: 'pass', thumbprint: sim.sha256 });
    await watcher.connect();
    const cache = new VsphereRecordCache(watcher);
    const changes: Array<{ at: number; change: InventoryChange }> = [];
    const stop = cache.watch((change) => changes.push({ at: Date.now(), change }));
    await until('the first state', () => cache.loads > 0);
    global.gc?.();
    const heapMib = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;

    // Events: another session powers VMs off; the time the WaitForUpdatesEx reply carrying each arrived is noted.
    let replied = 0;
    const invokeValues = watcher.invokeValues.bind(watcher);
    watcher.invokeValues = async (method, self, args, signal, onField) => {
      const v = await invokeValues(method, self, args, signal, onField);
      if (method === 'WaitForUpdatesEx') replied = Date.now();
      return v;
    };
    const inv = await cache.inventory();
    const targets = inv.vms.filter((v) => v.powerState === 'poweredOn').slice(0, EVENTS);
    const fromTask: number[] = [];
    const fromReply: number[] = [];
    for (const vm of targets) {
      changes.length = 0;
      const task = asMoRef(
        decodeValue(returnval(await client.invoke('PowerOffVM_Task', { type: 'VirtualMachine', value: vm.id }), 'x')),
        'PowerOffVM_Task',
      );
      const completed = await completeTime(client, task);
      await until('the power change in the cache', () =>
        changes.some((c) => c.change.vms.some((v) => v.id === vm.id && v.powerState === 'halted')),
      );
      const seen = changes.find((c) => c.change.vms.some((v) => v.id === vm.id))!.at;
      fromTask.push(seen - completed);
      fromReply.push(seen - replied);
    }
    await cache.stop();
    stop();
    await watcher.logout();
    await client.logout();
    const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
    return [
      [
        `vSphere live cache: first load of ${inv.vms.length} VMs (WaitForUpdatesEx), ours / curl (medians)`,
        `${ms(median(ours))} / ${ms(median(theirs))}`,
        `ratio ${(median(ours) / median(theirs)).toFixed(2)}×; ours includes CreatePropertyCollector, CreateContainerView, CreateFilter`,
      ],
      [
        `vSphere live cache: memory of ${inv.vms.length} VMs and the rest of the inventory`,
        `${heapMib.toFixed(1)} MiB heap retained`,
        'the decoded records and their model',
      ],
      [
        `vSphere live cache: PowerOffVM_Task by another session → cache event (median of ${targets.length})`,
        `${median(fromTask).toFixed(0)} ms after the task completed`,
        `${median(fromReply).toFixed(0)} ms after the WaitForUpdatesEx reply arrived (ours); vcsim gathers changes on a 250 ms ticker`,
      ],
    ];
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls the task until it succeeded; its TaskInfo.completeTime (vcsim's clock: the same machine), ms since the epoch. */
async function completeTime(client: VimClient, task: MoRef): Promise<number> {
  for (;;) {
    const o = await retrieveObject(client, task, ['info']);
    const info = asObject(o?.props.info as VimValue, 'TaskInfo');
    const state = optString(info.state, 'TaskInfo.state');
    if (state === 'error') throw new Error(`bench: ${task.value} failed`);
    const done = optString(info.completeTime, 'TaskInfo.completeTime');
    // Go writes nanoseconds; Date.parse takes milliseconds.
    if (state === 'success' && done) return Date.parse(done.replace(/(\.\d{3})\d+/, '$1'));
    await new Promise((r) => setTimeout(r, 5));
  }
}
