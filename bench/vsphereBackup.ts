// The vSphere image backup of a VM with a BENCH_VSPHERE_DISK_MIB (default 1,024) disk extent against `curl` reading
// the same extent from the same `/folder` URL in the same run (TLS, the session cookie), plus our peak RSS growth.
// Ours also takes and removes the temporary snapshot, reads the small files, hashes every byte and fsyncs; the
// reference `curl -o` + `sync` pays the fsync too. Rows only: no assertion (the machine is shared).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobContext } from '../src/core/job';
import { VmwareProvider } from '../src/providers/vmware/vmwareProvider';
import { datastoreFileUrl } from '../src/providers/vmware/vmwareFiles';
import { readInventory } from '../src/providers/vmware/vmwareInventory';
import { startVcsim } from '../test/peers/vcsim/vcsim';
import { cpuTimed, median, peakRssGrowth, runMeasured, timed } from './measure';

const DISK_MIB = Number(process.env.BENCH_VSPHERE_DISK_MIB ?? 1024);
const ctx: JobContext = { signal: new AbortController().signal, log: () => undefined, progress: () => undefined };

/** Rows `[what, value, note]` for the backup throughput; `rounds` alternating runs of ours and curl's. */
export async function vsphereBackupBench(rounds: number): Promise<Array<[string, string, string]>> {
  const sim = await startVcsim({ username: 'user', password: 'pass', dc: 1, cluster: 0, host: 1, vm: 1 });
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-vsphere-repo-'));
  try {
    const p = new VmwareProvider(
      { name: 'bench', platform: 'vmware', url: sim.baseUrl, username: 'user', thumbprint: sim.sha256 },
      { password: 'pass' },
    );
    await p.connect();
    const inv = await readInventory(p.vim);
    const vm = inv.vms[0];
    const ds = inv.datastores[0];
    const extent = path.join(ds.url!, vm.name, 'disk1-flat.vmdk');
    // Incompressible content, written once (not timed).
    await runMeasured('head -c "$1" /dev/urandom > "$2"', [String(DISK_MIB << 20), extent]);
    const url = datastoreFileUrl(sim.baseUrl, inv.datacenters[0].name, {
      datastore: ds.name,
      path: `${vm.name}/disk1-flat.vmdk`,
    });
    const cookie = p.vim.dataPlane().headers.Cookie;
    const out = path.join(repo, 'curl.vmdk');
    const curl = (sync: boolean) => () =>
      runMeasured(
        `curl -sSfk -o "$1" -H "Cookie: $2" "$3"${sync ? ' && sync "$1"' : ''}; rc=$?; rm -f "$1"; [ $rc = 0 ]`,
        [out, cookie, url],
      );
    const refs = { 'curl -o': curl(false), 'curl -o + sync': curl(true) };
    const ours = async () => {
      const m = await peakRssGrowth(() => timed(() => cpuTimed(() => p.backupVm(vm.id, { repository: repo }, ctx))));
      fs.rmSync(m.value.value.value.dir, { recursive: true });
      return { seconds: m.value.seconds, cpuSeconds: m.value.value.cpuSeconds, mib: m.mib };
    };
    await runMeasured('sync', []);
    await ours(); // warm-up: JIT, the page cache of the extent
    await refs['curl -o']();
    const runs: Array<[string, () => Promise<{ seconds: number; cpuSeconds: number; mib?: number }>]> = [
      ['ours', ours],
      ...Object.entries(refs),
    ];
    const wall: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    let rss = 0;
    for (let r = 0; r < rounds; r++) {
      // A rotating order, each run starting with no dirty pages left by the one before.
      for (let i = 0; i < runs.length; i++) {
        const [who, run] = runs[(i + r) % runs.length];
        await runMeasured('sync', []);
        const m = await run();
        (wall[who] ??= []).push(m.seconds);
        (cpu[who] ??= []).push(m.cpuSeconds);
        rss = Math.max(rss, m.mib ?? 0);
      }
    }
    await p.disconnect();
    const perGib = (s: number) => `${(s / (DISK_MIB / 1024)).toFixed(2)} s`;
    const rate = (s: number) => `${(DISK_MIB / s).toFixed(0)} MiB/s`;
    return [
      ...Object.keys(refs).map((name): [string, string, string] => [
        `vSphere backup ${DISK_MIB} MiB disk: ours / ${name} (/folder, TLS)`,
        `${rate(median(wall.ours))} / ${rate(median(wall[name]))}`,
        `ratio ${(median(wall[name]) / median(wall.ours)).toFixed(2)} (goal ≥ 0.95)`,
      ]),
      [
        'vSphere backup: CPU per GiB, ours / curl -o',
        `${perGib(median(cpu.ours))} / ${perGib(median(cpu['curl -o']))}`,
        'ours also hashes every byte (sha256) and fsyncs',
      ],
      [`vSphere backup: peak RSS growth`, `${rss.toFixed(1)} MiB`, 'goal < 64 MiB'],
    ];
  } finally {
    await sim.close();
    fs.rmSync(repo, { recursive: true, force: true });
  }
}
