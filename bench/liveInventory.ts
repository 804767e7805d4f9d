// Live inventory at scale against the lab in a child process: the first load of a 10,000-VM / 100-host pool against
// `curl` fetching the same records in the same run, expanding a host of 1,000 VMs after it, an event from the lab's
// write to the record cache's change callback, and the memory the records take.
// Alone: npm run compile-tests && npm run build && node --expose-gc out/bench/liveInventory.js
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { XenProvider } from '../src/providers/xen/xenProvider';
import { CACHED_CLASSES, LAZY_CLASSES, XenRecordCache } from '../src/providers/xen/recordCache';
import { startLabProcess } from './labProcess';
import { median, peakRssGrowth, timed } from './measure';

const PASSWORD = 'bench-live-pw';
type Row = [string, string, string];

async function connect(url: string): Promise<XenProvider> {
  const p = new XenProvider({ name: 'bench', platform: 'xen', url, username: 'root' }, { password: PASSWORD });
  await p.connect();
  return p;
}

/** One curl process fetching every cached class's get_all_records in parallel (as the cache does), bodies discarded. */
function curlAllRecords(url: string, session: string): Promise<number> {
  const args = ['-sf', '--parallel', '--parallel-max', String(CACHED_CLASSES.length)];
  CACHED_CLASSES.forEach((cls, i) => {
    if (i) args.push('--next');
    args.push(
      '-o',
      '/dev/null',
      '-H',
      'Content-Type: application/json',
      '--data-binary',
      JSON.stringify({ jsonrpc: '2.0', method: `${cls}.get_all_records`, params: [session], id: i }),
      `${url}/jsonrpc`,
    );
  });
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const c = spawn('curl', args, { stdio: 'ignore' });
    c.once('error', reject);
    c.once('exit', (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e9) : reject(new Error(`curl exited with ${code}`)),
    );
  });
}

/** A JSON-RPC call; `writtenAt`: the lab's monotonic clock (ns) at the call's first write (x-lab-write-hrtime). */
/**
 * The least any client that reads the records does: the same parallel get_all_records with fetch() and JSON.parse of
 * each body, nothing kept. Seconds, and CPU seconds of this process.
 */
async function bareParse(url: string, session: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const c0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  await Promise.all(
    CACHED_CLASSES.map(async (cls, i) => {
      const r = await fetch(`${url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method: `${cls}.get_all_records`, params: [session], id: i }),
      });
      JSON.parse(await r.text());
    }),
  );
  const c = process.cpuUsage(c0);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, cpuSeconds: (c.user + c.system) / 1e6 };
}

async function jsonRpc(
  url: string,
  method: string,
  params: unknown[],
): Promise<{ result: unknown; writtenAt?: bigint }> {
  const r = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
  });
  const at = r.headers.get('x-lab-write-hrtime');
  return { result: ((await r.json()) as { result: unknown }).result, writtenAt: at ? BigInt(at) : undefined };
}

const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

/** First load vs curl (alternating, median of `rounds`), memory, and event latency, on 100 hosts × 100 VMs. */
async function firstLoad(rounds: number, prefix: string[]): Promise<Row[]> {
  // the lab stamps the time of its writes on its replies (x-lab-write-hrtime) for the event row
  const lab = await startLabProcess(['--hosts', '100', '--vms', '100'], PASSWORD, prefix, {
    VMBACKUP_LAB_WRITE_TIMES: '1',
  });
  try {
    const ref = await connect(lab.url);
    const session = ref.xapi.sessionRef!;
    const ours: number[] = [];
    const curl: number[] = [];
    const oursCpu: number[] = [];
    const bareWall: number[] = [];
    const bareCpu: number[] = [];
    const lazyRead: number[] = [];
    let rss = 0;
    let heap = 0;
    let vms = 0;
    await curlAllRecords(lab.url, session); // warm-up of the lab (JIT) for both
    await (await connect(lab.url)).listChildren();
    for (let r = 0; r < rounds; r++) {
      const bare = async () => {
        const b = await bareParse(lab.url, session);
        bareWall.push(b.seconds);
        bareCpu.push(b.cpuSeconds);
      };
      const mine = async () => {
        const p = await connect(lab.url);
        global.gc?.();
        const heap0 = process.memoryUsage().heapUsed;
        const c0 = process.cpuUsage();
        const m = await peakRssGrowth(() => timed(() => p.listChildren()));
        const c = process.cpuUsage(c0);
        ours.push(m.value.seconds);
        oursCpu.push((c.user + c.system) / 1e6);
        rss = Math.max(rss, m.mib);
        // what the load left for later: the tables of LAZY_CLASSES, read from their replies on first use
        const cache = (p as unknown as { recordCache: XenRecordCache }).recordCache;
        const l = await timed(async () => {
          for (const cls of LAZY_CLASSES) cache.all(cls);
        });
        lazyRead.push(l.seconds);
        vms = (await p.listVms()).length;
        global.gc?.();
        heap = Math.max(heap, (process.memoryUsage().heapUsed - heap0) / 2 ** 20);
        await p.disconnect();
      };
      const theirs = async () => {
        curl.push(await curlAllRecords(lab.url, session));
      };
      // the three in rotating order, so that each follows each other one equally often
      const order = [mine, theirs, bare];
      for (let k = 0; k < order.length; k++) await order[(r + k) % order.length]();
    }
    const list = (xs: number[]) => xs.map((s) => (s * 1000).toFixed(0)).join(', ');
    const rows: Row[] = [
      [
        `live inventory: first load, ${vms} VMs / 100 hosts (10 classes): ours / curl (median of ${rounds})`,
        `${ms(median(ours))} / ${ms(median(curl))}`,
        `ratio ${(median(ours) / median(curl)).toFixed(2)} (goal ≤ 1.2); rounds ${list(ours)} / ${list(curl)} ms`,
      ],
      [
        `live inventory: the same first load: ours / a bare client (fetch + JSON.parse of the same 10 replies, nothing kept)`,
        `${ms(median(ours))} / ${ms(median(bareWall))}; CPU ${ms(median(oursCpu))} / ${ms(median(bareCpu))}`,
        `ratio ${(median(ours) / median(bareWall)).toFixed(2)} (wall), ${(median(oursCpu) / median(bareCpu)).toFixed(2)} (CPU); rounds ${list(bareWall)} ms`,
      ],
      [
        `live inventory: after that load, the first read of the tables read on first use (${[...LAZY_CLASSES].join(', ')})`,
        ms(median(lazyRead)),
        `paid once, by the first view or job that reads disks, NICs, storage or tasks; rounds ${list(lazyRead)} ms`,
      ],
      [
        `live inventory: memory of the records of ${vms} VMs (every table read)`,
        `${heap.toFixed(1)} MiB heap retained`,
        `peak RSS growth during the load ${rss.toFixed(1)} MiB (goal < 200 MiB)`,
      ],
    ];
    rows.push(await eventLatency(lab.url, 20));
    await ref.disconnect();
    return rows;
  } finally {
    lab.stop();
  }
}

/**
 * A VM renamed by another session → the record cache's change callback (the provider's watch listener runs in it),
 * median of `n`: from the lab's write (its x-lab-write-hrtime: process.hrtime is CLOCK_MONOTONIC, one clock for the
 * processes of a machine) — the goal's measure; and our part alone, from the moment the event.from answer arrived.
 */
async function eventLatency(url: string, n: number): Promise<Row> {
  const p = await connect(url);
  const vm = (await p.listVms())[0];
  const other = (await jsonRpc(url, 'session.login_with_password', ['root', PASSWORD, '2.21', 'bench'])).result;
  const fromReply: number[] = [];
  const fromWrite: number[] = [];
  let replied = 0n;
  const call = p.xapi.callInSession.bind(p.xapi);
  p.xapi.callInSession = async <T>(m: string, params: unknown[], signal?: AbortSignal): Promise<T> => {
    const r = await call<T>(m, params, signal);
    replied = process.hrtime.bigint();
    return r;
  };
  let waiting: { name: string; done: (at: bigint) => void } | undefined;
  const stop = p.watch((c) => {
    const hit = c.vms.find((v) => v.id === vm.id);
    if (!waiting || hit?.name !== waiting.name) return;
    const now = process.hrtime.bigint();
    fromReply.push(Number(now - replied) / 1e6);
    const d = waiting.done;
    waiting = undefined;
    d(now);
  });
  await new Promise((r) => setTimeout(r, 500)); // the loop is blocked in event.from
  for (let i = 0; i < n; i++) {
    const name = `bench event ${i}`;
    const applied = new Promise<bigint>((done) => (waiting = { name, done }));
    const { writtenAt } = await jsonRpc(url, 'VM.set_name_label', [other, vm.id, name]);
    const at = await applied;
    if (writtenAt === undefined) throw new Error('the lab did not report the time of its write (x-lab-write-hrtime)');
    fromWrite.push(Number(at - writtenAt) / 1e6);
  }
  stop();
  await p.disconnect();
  return [
    `live inventory: a VM renamed by another session: the lab's write → record cache change callback, 10,000-VM pool (median of ${n})`,
    `${median(fromWrite).toFixed(1)} ms`,
    `goal < 50 ms; max ${Math.max(...fromWrite).toFixed(1)} ms; of which ours (event.from answer received → callback) ${median(fromReply).toFixed(2)} ms. Real xapi waits 50 ms more before answering (xapi_event.ml from_inner: Thread.delay 0.05); the lab does not`,
  ];
}

/** After the first load, expanding a host of about 1,000 VMs (5 hosts × 2,000, half of them running): median of `n` listChildren(host). */
async function expandHost(n: number, prefix: string[]): Promise<Row> {
  const lab = await startLabProcess(['--hosts', '5', '--vms', '2000'], PASSWORD, prefix);
  try {
    const p = await connect(lab.url);
    const [pool] = await p.listChildren();
    const [host] = await p.listChildren(pool.type === 'container' ? pool : undefined);
    const stop = p.watch(() => undefined); // as in the extension: the tree follows the events
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < n; i++) {
      const t = await timed(() => p.listChildren(host.type === 'container' ? host : undefined));
      times.push(t.seconds);
      count = t.value.length;
    }
    stop();
    await p.disconnect();
    return [
      `live inventory: expand a host of ${count} VMs after the first load (pool of 10,000; median of ${n})`,
      ms(median(times)),
      `goal < 20 ms; the event loop runs (no round trip); max ${ms(Math.max(...times))}`,
    ];
  } finally {
    lab.stop();
  }
}

export async function liveInventoryBenches(prefix: string[] = [], rounds = 5): Promise<Row[]> {
  return [...(await firstLoad(rounds, prefix)), await expandHost(20, prefix)];
}

if (require.main === module) {
  const only =
    process.env.BENCH_LIVE === 'expand'
      ? expandHost(20, []).then((r) => [r])
      : liveInventoryBenches([], Number(process.env.BENCH_ROUNDS ?? 5));
  only
    .then((rows) => {
      console.log(
        `live inventory bench — ${new Date().toISOString()} — ${os.cpus().length} CPUs, node ${process.version}`,
      );
      for (const r of rows) console.log(r.join('  |  '));
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
