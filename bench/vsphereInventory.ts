// npm run bench:vsphere — the vSphere inventory of a vcsim with BENCH_VSPHERE_VMS VMs (default 2,000) read by our client
// against `curl` posting the same requests in the same run: one RetrievePropertiesEx reply (no maxObjects), and the
// product's paged read (readInventory: maxObjects pages, ContinueRetrievePropertiesEx while a token comes back — curl
// follows the same tokens); where the time goes (CPU of ours and of vcsim per read, the decode alone against saxes
// alone on the same bytes); RSS growth; then the live cache (vsphereLiveCache.ts) and the image backup of a 1 GiB disk
// (vsphereBackup.ts). BENCH_ONLY=inventory,live,backup picks. Prints a table; asserts nothing (the machine is shared).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SaxesParser } from 'saxes';
import { startVcsim } from '../test/peers/vcsim/vcsim';
import { VimClient } from '../src/providers/vmware/vimClient';
import { envelope } from '../src/providers/vmware/vimSoap';
import { SoapReply } from '../src/providers/vmware/vimReply';
import { XmlReader } from '../src/providers/vmware/vimXml';
import {
  createContainerView,
  propSets,
  retrieveFromContainer,
  viewObjectSet,
} from '../src/providers/vmware/vimPropertyCollector';
import { INVENTORY_PAGE, readInventory } from '../src/providers/vmware/vmwareInventory';
import { INVENTORY_SPECS, toInventory } from '../src/providers/vmware/vmwareRecords';
import { median, peakRssGrowth, runMeasured, timed } from './measure';
import { processCpuMs } from './vsphereCpu';
import { vsphereLiveCacheBench } from './vsphereLiveCache';
import { vsphereBackupBench } from './vsphereBackup';

const VMS = Number(process.env.BENCH_VSPHERE_VMS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Objects per page of the paged read, ours and curl's (default the product's INVENTORY_PAGE): to try other sizes. */
const PAGE = Number(process.env.BENCH_VSPHERE_PAGE ?? INVENTORY_PAGE);

const ONLY = new Set((process.env.BENCH_ONLY ?? 'inventory,live,backup').split(',').map((x) => x.trim()));
type Row = [string, string, string];

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (ONLY.has('inventory')) rows.push(...(await vsphereInventoryBench(ROUNDS)));
  if (ONLY.has('live')) rows.push(...(await vsphereLiveCacheBench(ROUNDS, VMS)));
  if (ONLY.has('backup')) rows.push(...(await vsphereBackupBench(ROUNDS)));
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`vSphere bench — ${new Date().toISOString()} — load average ${os.loadavg().map((l) => l.toFixed(1))}`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c}`);
}

/**
 * A shell script that posts $1 (a RetrievePropertiesEx envelope) with curl, then a ContinueRetrievePropertiesEx built
 * from $2 (an envelope with TOKEN in place of the token) for each token a reply carries (RetrieveResult.token comes
 * first: the head of the reply is enough), as our client does; $3 the cookie, $4 the URL, $5 a scratch folder.
 */
const CURL_PAGES =
  'b=$1 n=$2 k=$3 u=$4 d=$5; ' +
  'c() { curl -sSk -o "$d/reply" -X POST -H "Content-Type: text/xml" -H "Cookie: $k" --data-binary @"$1" "$u"; }; ' +
  'c "$b" && while t=$(head -c 2048 "$d/reply" | grep -o "<token>[^<]*</token>" | sed "s/<[^>]*>//g"); [ -n "$t" ]; do ' +
  'sed "s/TOKEN/$t/" "$n" > "$d/next.xml" && c "$d/next.xml" || exit 1; done';

/** Rows `[what, value, note]`: our inventory reads against curl's same requests, `rounds` alternating runs. */
export async function vsphereInventoryBench(rounds: number): Promise<Row[]> {
  const started = await timed(() => startVcsim({ dc: 1, cluster: 1, host: 0, vm: VMS }));
  const sim = started.value;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-vsphere-'));
  try {
    const client = new VimClient({ url: sim.baseUrl, username: 'user', password: 'pass', thumbprint: sim.sha256 });
    await client.connect();
    const root = client.content.rootFolder;
    const pc = client.content.propertyCollector;
    // curl's requests: the same RetrievePropertiesEx on a view made for it, whole and paged as readInventory pages.
    const view = await createContainerView(client, root, INVENTORY_SPECS);
    const spec = `<specSet>${propSets(INVENTORY_SPECS)}${viewObjectSet(view)}</specSet>`;
    const file = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
    const whole = file('whole.xml', envelope('RetrievePropertiesEx', pc, `${spec}<options></options>`));
    const first = file(
      'first.xml',
      envelope('RetrievePropertiesEx', pc, `${spec}<options><maxObjects>${PAGE}</maxObjects></options>`),
    );
    const cont = file('continue.xml', envelope('ContinueRetrievePropertiesEx', pc, '<token>TOKEN</token>'));
    const cookie = client.dataPlane().headers.Cookie;
    const replyFile = path.join(dir, 'whole-reply.xml');
    const curlWhole = () =>
      runMeasured('curl -sSk -o "$4" -X POST -H "Content-Type: text/xml" -H "Cookie: $1" --data-binary @"$2" "$3"', [
        cookie,
        whole,
        sim.url,
        replyFile,
      ]);
    const curlPaged = () => runMeasured(CURL_PAGES, [first, cont, cookie, sim.url, dir]);

    const wall: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    const simCpu: Record<string, number[]> = {};
    let objects = 0;
    /** Runs fn, recording its wall time, this process's CPU and vcsim's CPU under `name`. */
    const measure = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const s0 = processCpuMs(sim.pid);
      const c0 = process.cpuUsage();
      const r = await timed(fn);
      const c = process.cpuUsage(c0);
      (wall[name] ??= []).push(r.seconds);
      (cpu[name] ??= []).push((c.user + c.system) / 1000);
      (simCpu[name] ??= []).push(processCpuMs(sim.pid) - s0);
      return r.value;
    };
    const oursWhole = async () => toInventory(await retrieveFromContainer(client, root, INVENTORY_SPECS));
    const oursPaged = () => readInventory(client, { maxObjects: PAGE });
    const rss = (await peakRssGrowth(oursPaged)).mib; // first, on a fresh heap, and untimed (its sampling and forced GC)
    await curlWhole();
    for (let i = 0; i < rounds; i++) {
      objects = (await measure('ours whole', oursWhole)).vms.length;
      await measure('curl whole', curlWhole);
      await measure('ours paged', oursPaged);
      await measure('curl paged', curlPaged);
    }
    const decode = decodeAlone(fs.readFileSync(replyFile, 'utf8'), rounds);
    await client.invoke('DestroyView', view);
    await client.logout();
    const s = (name: string) => median(wall[name]);
    const ratio = (a: string, b: string) => `ratio ${(s(a) / s(b)).toFixed(2)}× (goal ≤ 1.3×)`;
    const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
    const bytes = fs.statSync(replyFile).size;
    return [
      ['vSphere: vcsim start', `${VMS} VMs`, `${started.seconds.toFixed(2)} s`],
      [
        `vSphere inventory of ${objects} VMs, one ${(bytes / 2 ** 20).toFixed(1)} MiB reply: ours / curl (medians)`,
        `${s('ours whole').toFixed(2)} s / ${s('curl whole').toFixed(2)} s`,
        ratio('ours whole', 'curl whole'),
      ],
      [
        `vSphere inventory, readInventory's pages of ${PAGE}: ours / curl following the same tokens`,
        `${s('ours paged').toFixed(2)} s / ${s('curl paged').toFixed(2)} s`,
        ratio('ours paged', 'curl paged'),
      ],
      [
        'vSphere inventory, one reply: CPU of ours / of vcsim serving it (medians)',
        `${ms(cpu['ours whole'])} / ${ms(simCpu['ours whole'])}`,
        `vcsim for curl's: ${ms(simCpu['curl whole'])}`,
      ],
      [
        'vSphere inventory, paged: CPU of ours / of vcsim serving it (medians)',
        `${ms(cpu['ours paged'])} / ${ms(simCpu['ours paged'])}`,
        `vcsim for curl's: ${ms(simCpu['curl paged'])}`,
      ],
      [
        'vSphere inventory reply decoded in memory: ours / saxes alone (CPU, medians)',
        `${decode.ours.toFixed(0)} ms / ${decode.saxes.toFixed(0)} ms`,
        `${((bytes / 2 ** 20 / decode.ours) * 1000).toFixed(0)} / ${((bytes / 2 ** 20 / decode.saxes) * 1000).toFixed(0)} MiB/s; ours = saxes + values`,
      ],
      ['vSphere inventory: peak RSS growth', `${rss.toFixed(0)} MiB`, 'goal < 64 MiB'],
    ];
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU ms (medians) of decoding `text` as our client does (XmlReader → SoapReply values) and of saxes with no handlers. */
function decodeAlone(text: string, rounds: number): { ours: number; saxes: number } {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 65536) chunks.push(text.slice(i, i + 65536));
  const cpuMs = (fn: () => void) => {
    const xs: number[] = [];
    for (let i = 0; i < Math.max(rounds, 5); i++) {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      xs.push((c.user + c.system) / 1000);
    }
    return median(xs);
  };
  return {
    ours: cpuMs(() => {
      const reply = new SoapReply(true);
      const reader = new XmlReader(reply);
      for (const c of chunks) reader.write(c);
      reader.close();
      reply.result('RetrievePropertiesEx');
    }),
    saxes: cpuMs(() => {
      const p = new SaxesParser({ xmlns: true, position: false });
      p.on('opentag', () => undefined);
      p.on('text', () => undefined);
      p.on('closetag', () => undefined);
      for (const c of chunks) p.write(c);
      p.close();
    }),
  };
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
