// npm run bench: throughput and memory of the Xen provider against `curl` on the same lab endpoint, inventory at scale,
// extension activation in a real VS Code against a no-op extension.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XenProvider } from '../src/providers/xen/xenProvider';
import { JobContext } from '../src/core/job';
import { startLabProcess } from './labProcess';
import { median, peakRssGrowth, runCommand, timed } from './measure';
import { extraBenches } from './extra';
import { activationBench } from './activation';
import { repoRoot } from '../test/e2e/codeServer';

const PASSWORD = 'bench-lab-pw';
const EXPORT_MIB = Number(process.env.BENCH_EXPORT_MIB ?? 2048);
const IMPORT_MIB = Number(process.env.BENCH_IMPORT_MIB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const rows: Array<[string, string, string]> = [];
const ctx: JobContext = { signal: new AbortController().signal, log: () => undefined, progress: () => undefined };

async function connect(url: string, repo: string): Promise<XenProvider> {
  const p = new XenProvider({ name: 'bench', platform: 'xen', url, username: 'root', repository: repo }, { password: PASSWORD });
  await p.connect();
  return p;
}

async function throughput(mib: number, kind: 'export' | 'import'): Promise<void> {
  const lab = await startLabProcess(['--dense', '--disk-mib', String(mib), '--hosts', '1', '--vms', '2'], PASSWORD);
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-repo-'));
  try {
    const p = await connect(lab.url, repo);
    const vm = (await p.listVms({})).find((v) => v.powerState === 'halted')!;
    const url = (q: string) => `${lab.url}${q}&session_id=${p.xapi.sessionRef}`;
    const ours: number[] = []; const ref: number[] = []; let rss = 0; let bytes = 0;
    const first = await p.backupVm(vm.id, { repository: repo }, ctx);
    const xva = path.join(first.dir, first.files[0].name);
    bytes = first.files[0].bytes;
    const reference = async (r: number) => {
      if (kind === 'export') {
        const out = path.join(repo, `curl-${r}.xva`);
        ref.push((await timed(() => runCommand('curl', ['-sf', '-o', out, url(`/export?ref=${vm.id}`)]))).seconds);
        fs.rmSync(out);
      } else ref.push((await timed(() => runCommand('curl', ['-sf', '-o', '/dev/null', '-T', xva, url('/import?restore=false')]))).seconds);
    };
    const mine = async () => {
      const m = await peakRssGrowth(() => timed((): Promise<unknown> => (kind === 'export' ? p.backupVm(vm.id, { repository: repo }, ctx) : p.restoreVm(first, {}, ctx))));
      ours.push(m.value.seconds); rss = Math.max(rss, m.mib);
      if (kind === 'export') fs.rmSync((m.value.value as { dir: string }).dir, { recursive: true });
    };
    // Alternate who goes first: the one after a 2 GiB write pays for its writeback.
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) { await reference(r); await mine(); } else { await mine(); await reference(r); }
    }
    const mbps = (s: number) => (bytes / 2 ** 20 / s).toFixed(0) + ' MiB/s';
    rows.push([`${kind} ${(bytes / 2 ** 20).toFixed(0)} MiB XVA: ours / curl`, `${mbps(median(ours))} / ${mbps(median(ref))}`, `ratio ${(median(ref) / median(ours)).toFixed(2)} (goal ≥ 0.95)`]);
    rows.push([`${kind}: peak RSS growth`, `${rss.toFixed(1)} MiB`, 'goal < 64 MiB']);
    await p.disconnect();
  } finally { lab.stop(); fs.rmSync(repo, { recursive: true, force: true }); }
}

async function inventory(): Promise<void> {
  const lab = await startLabProcess(['--hosts', '100', '--vms', '100'], PASSWORD);
  try {
    const p = await connect(lab.url, os.tmpdir());
    const pool = (await p.listPools())[0];
    const all = await timed(() => p.listVms({ poolId: pool.id }));
    const host = (await p.listHosts(pool.id))[0];
    const one = await timed(() => p.listVms({ hostId: host.id }));
    rows.push([`inventory: list pool (${all.value.length} VMs, 100 hosts)`, `${(all.seconds * 1000).toFixed(0)} ms`, '']);
    rows.push([`inventory: list one host (${one.value.length} VMs)`, `${(one.seconds * 1000).toFixed(0)} ms`, '']);
    await p.disconnect();
  } finally { lab.stop(); }
}

async function main(): Promise<void> {
  await throughput(EXPORT_MIB, 'export');
  await throughput(IMPORT_MIB, 'import');
  await inventory();
  rows.push(...(await extraBenches()));
  rows.push(...(await activationBench(Math.max(ROUNDS, Number(process.env.BENCH_ACTIVATION_ROUNDS ?? 5)), repoRoot)));
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nVM Backup Explorer bench — ${new Date().toISOString()} — ${os.cpus().length} CPUs, node ${process.version}`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  |  '));
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
