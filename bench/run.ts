// npm run bench: throughput and memory of the Xen provider against `curl` on the same lab endpoint, the live inventory at scale,
// extension activation in a real VS Code against a no-op extension.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XenProvider } from '../src/providers/xen/xenProvider';
import { JobContext } from '../src/core/job';
import { startLabProcess } from './labProcess';
import { cpuTimed, median, peakRssGrowth, runMeasured, timed } from './measure';
import { pinCpus } from './cpuPinning';
import { extraBenches } from './extra';
import { activationBench } from './activation';
import { startupBenches } from './startupBench';
import { liveInventoryBenches } from './liveInventory';
import { vsphereInventoryBench } from './vsphereInventory';
import { vsphereBackupBench } from './vsphereBackup';
import { vsphereLiveCacheBench } from './vsphereLiveCache';
import { repoRoot } from '../test/e2e/codeServer';

const PASSWORD = 'bench-lab-pw';
const EXPORT_MIB = Number(process.env.BENCH_EXPORT_MIB ?? 2048);
const IMPORT_MIB = Number(process.env.BENCH_IMPORT_MIB ?? 2048);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const VSPHERE_VMS = Number(process.env.BENCH_VSPHERE_VMS ?? 2000);
const rows: Array<[string, string, string]> = [];
const pinning = pinCpus();
const ctx: JobContext = { signal: new AbortController().signal, log: () => undefined, progress: () => undefined };

async function connect(url: string, repo: string): Promise<XenProvider> {
  const p = new XenProvider(
    { name: 'bench', platform: 'xen', url, username: 'root', repository: repo },
    { password: PASSWORD },
  );
  await p.connect();
  return p;
}

async function throughput(mib: number, kind: 'export' | 'import'): Promise<void> {
  const lab = await startLabProcess(
    ['--dense', '--disk-mib', String(mib), '--hosts', '1', '--vms', '2'],
    PASSWORD,
    pinning.labPrefix,
  );
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-repo-'));
  try {
    const p = await connect(lab.url, repo);
    const vm = (await p.listVms()).find((v) => v.powerState === 'halted')!;
    const url = (q: string) => `${lab.url}${q}&session_id=${p.xapi.sessionRef}`;
    const first = await p.backupVm(vm.id, { repository: repo }, ctx);
    const xva = path.join(first.dir, first.files[0].name);
    const bytes = first.files[0].bytes;
    // The references: curl alone, and (export) curl followed by an fsync of its file — the durability ours gives.
    const refs: Record<string, () => Promise<{ seconds: number; cpuSeconds: number }>> =
      kind === 'export'
        ? {
            'curl -o': () =>
              runMeasured('curl -sf -o "$1" "$2"; rc=$?; rm -f "$1"; [ $rc = 0 ]', [
                path.join(repo, 'curl.xva'),
                url(`/export?ref=${vm.id}`),
              ]),
            'curl -o + sync': () =>
              runMeasured('curl -sf -o "$1" "$2" && sync "$1"; rc=$?; rm -f "$1"; [ $rc = 0 ]', [
                path.join(repo, 'curl.xva'),
                url(`/export?ref=${vm.id}`),
              ]),
          }
        : { 'curl -T': () => runMeasured('curl -sf -o /dev/null -T "$1" "$2"', [xva, url('/import?restore=false')]) };
    const wall: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    let rss = 0;
    const mine = async () => {
      const m = await peakRssGrowth(() =>
        timed(() =>
          cpuTimed((): Promise<unknown> =>
            kind === 'export' ? p.backupVm(vm.id, { repository: repo }, ctx) : p.restoreVm(first, {}, ctx),
          ),
        ),
      );
      if (kind === 'export') fs.rmSync((m.value.value.value as { dir: string }).dir, { recursive: true });
      return { seconds: m.value.seconds, cpuSeconds: m.value.value.cpuSeconds, rssMib: m.mib };
    };
    const runs: Array<[string, () => Promise<{ seconds: number; cpuSeconds: number; rssMib?: number }>]> = [
      ['ours', mine],
      ...Object.entries(refs),
    ];
    // One unmeasured run of each first: the XVA the import reads was written around the page cache (O_DIRECT), and
    // whoever read it first would pay for filling the cache; the lab's JIT warms up too.
    for (const [, run] of runs) {
      await runMeasured('sync', []);
      await run();
    }
    // Every order of the runners in turn (so each one follows each other one equally often: what a run leaves
    // behind in the page cache and the allocator costs the next one), and each run starts with no dirty pages
    // left by the one before (`sync`, not measured): otherwise whoever follows a plain `curl -o` pays for its writeback.
    const orders = permutations(runs);
    for (let r = 0; r < Math.max(ROUNDS, orders.length); r++) {
      for (const [name, run] of orders[r % orders.length]) {
        await runMeasured('sync', []);
        const m = await run();
        (wall[name] ??= []).push(m.seconds);
        (cpu[name] ??= []).push(m.cpuSeconds);
        rss = Math.max(rss, m.rssMib ?? 0);
      }
    }
    const rate = (s: number) => (bytes / 2 ** 20 / s).toFixed(0);
    const mbps = (s: number) => `${rate(s)} MiB/s`;
    /** Slowest to fastest round. */
    const range = (xs: number[]) => `${rate(Math.max(...xs))}–${mbps(Math.min(...xs))}`;
    const perGib = (s: number) => (s / (bytes / 2 ** 30)).toFixed(2) + ' s';
    const size = `${kind} ${(bytes / 2 ** 20).toFixed(0)} MiB XVA`;
    for (const name of Object.keys(refs)) {
      rows.push([
        `${size}: ours / ${name}`,
        `${mbps(median(wall.ours))} / ${mbps(median(wall[name]))}`,
        `ratio ${(median(wall[name]) / median(wall.ours)).toFixed(2)} (goal ≥ 0.95); rounds ${range(wall.ours)} / ${range(wall[name])}`,
      ]);
    }
    rows.push([
      `${kind}: CPU per GiB, ours / ${Object.keys(refs)[0]}`,
      `${perGib(median(cpu.ours))} / ${perGib(median(cpu[Object.keys(refs)[0]]))}`,
      kind === 'export' ? 'ours also hashes every byte (sha256) and fsyncs' : '',
    ]);
    rows.push([`${kind}: peak RSS growth`, `${rss.toFixed(1)} MiB`, 'goal < 64 MiB']);
    await p.disconnect();
  } finally {
    lab.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  }
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * BENCH_ONLY=export,import,…: only those rows (export, import, inventory, vsphere, extra, startup, activation); all
 * when unset.
 */
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? 'export,import,inventory,vsphere,extra,startup,activation')
    .split(',')
    .map((x) => x.trim()),
);

async function main(): Promise<void> {
  if (ONLY.has('export')) await throughput(EXPORT_MIB, 'export');
  if (ONLY.has('import')) await throughput(IMPORT_MIB, 'import');
  if (ONLY.has('inventory')) rows.push(...(await liveInventoryBenches(pinning.labPrefix, ROUNDS)));
  if (ONLY.has('vsphere'))
    rows.push(
      ...(await vsphereInventoryBench(ROUNDS)),
      ...(await vsphereLiveCacheBench(ROUNDS, VSPHERE_VMS)),
      ...(await vsphereBackupBench(ROUNDS)),
    );
  if (ONLY.has('extra')) rows.push(...(await extraBenches()));
  pinning.release();
  if (ONLY.has('startup')) rows.push(...(await startupBenches(Math.max(ROUNDS, 5), repoRoot)));
  if (ONLY.has('activation'))
    rows.push(...(await activationBench(Math.max(ROUNDS, Number(process.env.BENCH_ACTIVATION_ROUNDS ?? 5)), repoRoot)));
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(
    `\nVM Backup Explorer bench — ${new Date().toISOString()} — ${os.cpus().length} CPUs, node ${process.version}; ${pinning.note}`,
  );
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  |  '));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
