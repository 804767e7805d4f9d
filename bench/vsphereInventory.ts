// npm run bench:vsphere — the vSphere inventory of a vcsim with BENCH_VSPHERE_VMS VMs (default 2,000) read by our client
// (one RetrievePropertiesEx through a ContainerView, decoded and mapped) against `curl` posting the same request in the
// same run, plus RSS growth; then the image backup of a 1 GiB disk against curl (vsphereBackup.ts). BENCH_ONLY=
// inventory or backup runs one. Prints a table; asserts nothing (the machine is shared).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVcsim } from '../test/peers/vcsim/vcsim';
import { VimClient } from '../src/providers/vmware/vimClient';
import { envelope } from '../src/providers/vmware/vimSoap';
import {
  createContainerView,
  propSets,
  retrieveFromContainer,
  viewObjectSet,
} from '../src/providers/vmware/vimPropertyCollector';
import { INVENTORY_SPECS, toInventory } from '../src/providers/vmware/vmwareRecords';
import { median, peakRssGrowth, runMeasured, timed } from './measure';
import { vsphereBackupBench } from './vsphereBackup';

const VMS = Number(process.env.BENCH_VSPHERE_VMS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const ONLY = new Set((process.env.BENCH_ONLY ?? 'inventory,backup').split(',').map((x) => x.trim()));

async function main(): Promise<void> {
  const rows: Array<[string, string, string]> = [];
  if (ONLY.has('inventory')) rows.push(...(await vsphereInventoryBench(ROUNDS)));
  if (ONLY.has('backup')) rows.push(...(await vsphereBackupBench(ROUNDS)));
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c}`);
}

/** Rows `[what, value, note]`: our inventory read against curl's same RetrievePropertiesEx, `rounds` alternating runs. */
export async function vsphereInventoryBench(rounds: number): Promise<Array<[string, string, string]>> {
  const started = await timed(() => startVcsim({ dc: 1, cluster: 1, host: 0, vm: VMS }));
  const sim = started.value;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-vsphere-'));
  try {
    const client = new VimClient({ url: sim.baseUrl, username: 'user', password: 'pass', thumbprint: sim.sha256 });
    await client.connect();
    const root = client.content.rootFolder;
    // curl's request: the same RetrievePropertiesEx (no maxObjects: one reply) on a view made for it.
    const view = await createContainerView(client, root, INVENTORY_SPECS);
    const body = path.join(dir, 'request.xml');
    fs.writeFileSync(
      body,
      envelope(
        'RetrievePropertiesEx',
        client.content.propertyCollector,
        `<specSet>${propSets(INVENTORY_SPECS)}${viewObjectSet(view)}</specSet><options></options>`,
      ),
    );
    const cookie = client.dataPlane().headers.Cookie;
    const ours: number[] = [];
    const curl: number[] = [];
    let objects = 0;
    let rss = 0;
    const inventory = async () => toInventory(await retrieveFromContainer(client, root, INVENTORY_SPECS));
    rss = (await peakRssGrowth(inventory)).mib; // first, on a fresh heap, and untimed (its sampling and forced GC)
    for (let i = 0; i < rounds; i++) {
      const r = await timed(inventory);
      ours.push(r.seconds);
      objects = r.value.vms.length;
      curl.push(
        (
          await runMeasured(
            'curl -sSk -o /dev/null -X POST -H "Content-Type: text/xml" -H "Cookie: $1" --data-binary @"$2" "$3"',
            [cookie, body, sim.url],
          )
        ).seconds,
      );
    }
    await client.logout();
    return [
      ['vSphere: vcsim start', `${VMS} VMs`, `${started.seconds.toFixed(2)} s`],
      [
        `vSphere inventory of ${objects} VMs: ours / the same RetrievePropertiesEx with curl (medians)`,
        `${median(ours).toFixed(2)} s / ${median(curl).toFixed(2)} s`,
        `ratio ${(median(ours) / median(curl)).toFixed(2)}× (goal ≤ 1.3×)`,
      ],
      ['vSphere inventory: peak RSS growth', `${rss.toFixed(0)} MiB`, 'goal < 64 MiB'],
    ];
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
