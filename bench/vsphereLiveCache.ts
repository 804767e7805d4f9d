// The vSphere live cache (vmwareRecordCache.ts on WaitForUpdatesEx) against a vcsim of `vms` VMs: its first load
// against `curl` posting the same first WaitForUpdatesEx (version "" on a filter over the same ContainerView: every
// object 'enter') — in pages of `page` ObjectUpdates as the product loads it (maxObjectUpdates; curl follows each
// truncated data version), and in one answer (no maxObjectUpdates) —, the memory the cache holds, and a VM powered off by another session (a govc-like PowerOffVM_Task)
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
import { INVENTORY_PAGE } from '../src/providers/vmware/vmwareInventory';
import { InventoryChange } from '../src/core/inventoryEvents';
import { median, runMeasured, timed } from './measure';

type Row = [string, string, string];
const EVENTS = Number(process.env.BENCH_VSPHERE_EVENTS ?? 7);
/** ObjectUpdates per answer of the paged first load, ours and curl's (default the product's INVENTORY_PAGE). */
const PAGE = Number(process.env.BENCH_VSPHERE_PAGE ?? INVENTORY_PAGE);

/**
 * Posts $2 (a first WaitForUpdatesEx) with curl, then, while a reply ends with truncated=true, $3 (the same call with
 * VERSION in place of the version) with the reply's UpdateSet.version (the head of the reply), as our watch does;
 * $1 the cookie, $4 the URL, $5 a scratch folder.
 */
const CURL_TRUNCATED =
  'k=$1 b=$2 n=$3 u=$4 d=$5; ' +
  'c() { curl -sSk -o "$d/reply" -X POST -H "Content-Type: text/xml" -H "Cookie: $k" --data-binary @"$1" "$u"; }; ' +
  'c "$b" && while tail -c 512 "$d/reply" | grep -q "<truncated>true</truncated>"; do ' +
  'v=$(head -c 2048 "$d/reply" | grep -o "<version>[^<]*</version>" | sed "s/<[^>]*>//g"); ' +
  'sed "s/VERSION/$v/" "$n" > "$d/next.xml" && c "$d/next.xml" || exit 1; done';

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
    // curl's requests: the first WaitForUpdatesEx of a new collector with one filter over a new ContainerView, as the
    // cache's (made before each curl run, not timed: vcsim answers each filter's objects only once, property_collector.go
    // apply keeps filter.refs), whole or in pages of PAGE following each truncated data version.
    const first = path.join(dir, 'wait.xml');
    const next = path.join(dir, 'next-wait.xml');
    const curl = async (page: number) => {
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
      const options = `<options>${el('maxWaitSeconds', 30)}${page ? el('maxObjectUpdates', page) : ''}</options>`;
      fs.writeFileSync(first, envelope('WaitForUpdatesEx', pc, `${el('version', '')}${options}`));
      fs.writeFileSync(next, envelope('WaitForUpdatesEx', pc, `<version>VERSION</version>${options}`));
      const m = await runMeasured(CURL_TRUNCATED, [client.dataPlane().headers.Cookie, first, next, sim.url, dir]);
      await client.invoke('DestroyPropertyCollector', pc);
      await client.invoke('DestroyView', view);
      return m;
    };
    const firstLoad = async (page: number) => {
      const cache = new VsphereRecordCache(client, { pageSize: page }); // 0: one answer
      const stop = cache.watch(() => undefined);
      await until('the first state', () => cache.loads > 0);
      return { cache, stop };
    };
    const ours: Record<'paged' | 'whole', number[]> = { paged: [], whole: [] };
    const theirs: Record<'paged' | 'whole', number[]> = { paged: [], whole: [] };
    await curl(PAGE); // warm-up for both
    for (let r = 0; r < rounds; r++) {
      for (const [kind, page] of [
        ['paged', PAGE],
        ['whole', 0],
      ] as const) {
        const m = await timed(() => firstLoad(page));
        ours[kind].push(m.seconds);
        await m.value.cache.stop(); // its collector and view destroyed before the next run
        m.value.stop();
        theirs[kind].push((await curl(page)).seconds);
      }
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
      ...(['paged', 'whole'] as const).map((kind): Row => [
        `vSphere live cache: first load of ${inv.vms.length} VMs (WaitForUpdatesEx${kind === 'paged' ? `, pages of ${PAGE}` : ', one answer'}), ours / curl (medians of ${rounds})`,
        `${ms(median(ours[kind]))} / ${ms(median(theirs[kind]))}`,
        `ratio ${(median(ours[kind]) / median(theirs[kind])).toFixed(2)}×${kind === 'paged' ? ' (goal ≤ 1.3×)' : ''}; ours includes CreatePropertyCollector, CreateContainerView, CreateFilter`,
      ]),
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
