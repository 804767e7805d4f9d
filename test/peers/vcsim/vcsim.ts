// Starts and stops VMware's simulator (the launcher in this folder, built by build.sh) for tests, on loopback with an
// ephemeral port. A machine where it cannot be built fails the tests that need it: they never skip.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { goBuild } from './goBuild';

/** Inventory size, as the launcher's flags (see main.go): VMs are per resource pool — each cluster's root pool and each standalone host's. */
export interface VcsimInventory {
  dc?: number;
  cluster?: number;
  clusterHost?: number;
  host?: number;
  pool?: number;
  vm?: number;
  ds?: number;
  folder?: number;
  pg?: number;
}
export interface VcsimOptions extends VcsimInventory {
  esx?: boolean;
  /** The loopback address to listen on (default 127.0.0.1), on an ephemeral port. */
  address?: string;
  username?: string;
  password?: string;
  tls?: boolean;
  /** How long the launcher's ConsolidateVMDisks_Task runs (ms). */
  taskMs?: number;
  /** VM names whose runtime.consolidationNeeded starts true. */
  consolidationNeeded?: string[];
  /** VM names whose guest reports VMware Tools running (guest.toolsRunningStatus guestToolsRunning, from the start). */
  toolsRunning?: string[];
  /** Seconds an OVF export lease lives without HttpNfcLeaseProgress (launcher default 300, as vSphere). */
  leaseTimeout?: number;
  /** Bytes per second an OVF export download is served at (default unlimited). */
  nfcRate?: number;
}

export interface Vcsim {
  /** https://127.0.0.1:<port>/sdk */
  url: string;
  /** Base URL (no /sdk), as a connection profile's url. */
  baseUrl: string;
  sha1: string;
  sha256: string;
  pid: number;
  close(): Promise<void>;
}

const DEFAULTS: Required<VcsimInventory> = {
  dc: 1,
  cluster: 1,
  clusterHost: 3,
  host: 1,
  pool: 0,
  vm: 2,
  ds: 1,
  folder: 0,
  pg: 1,
};
/** Builds the launcher once per process (a no-op when the binary is newer than its sources); returns its path. */
export function buildVcsim(): string {
  return goBuild(path.join(repoRoot(), 'test', 'peers', 'vcsim', 'build.sh'));
}

/**
 * The launcher's path when build.sh has built it (where build.sh puts it: $VCSIM_OUT or out/peers/vcsim), without
 * building: for the demo and `vmbackup lab`, which tell how to build it rather than install a Go toolchain themselves.
 */
export function builtVcsim(): string | undefined {
  const bin = path.join(process.env.VCSIM_OUT ?? path.join(repoRoot(), 'out', 'peers', 'vcsim'), 'vcsim');
  return fs.existsSync(bin) ? bin : undefined;
}

/** Starts the simulator and resolves once it printed its URL (generous readiness limit: the machine is shared). */
export async function startVcsim(opts: VcsimOptions = {}): Promise<Vcsim> {
  const bin = buildVcsim();
  const inv = { ...DEFAULTS, ...opts };
  const args = [
    '-l',
    `${opts.address ?? '127.0.0.1'}:0`,
    '-username',
    opts.username ?? 'user',
    '-password',
    opts.password ?? 'pass',
    '-dc',
    String(inv.dc),
    '-cluster',
    String(inv.cluster),
    '-cluster-host',
    String(inv.clusterHost),
    '-host',
    String(inv.host),
    '-pool',
    String(inv.pool),
    '-vm',
    String(inv.vm),
    '-ds',
    String(inv.ds),
    '-folder',
    String(inv.folder),
    '-pg',
    String(inv.pg),
    '-task-ms',
    String(opts.taskMs ?? 0),
    '-tls=' + String(opts.tls ?? true),
  ];
  if (opts.esx) args.push('-esx');
  if (opts.leaseTimeout !== undefined) args.push('-lease-timeout', String(opts.leaseTimeout));
  if (opts.nfcRate !== undefined) args.push('-nfc-rate', String(opts.nfcRate));
  if (opts.consolidationNeeded?.length) args.push('-consolidation-needed', opts.consolidationNeeded.join(','));
  if (opts.toolsRunning?.length) args.push('-tools-running', opts.toolsRunning.join(','));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 200) stderr.push(d.toString());
    if (process.env.VCSIM_STDERR) process.stderr.write(d);
  });
  const ready = await new Promise<{ url: string; sha1: string; sha256: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vcsim did not start within 120 s: ${stderr.join('')}`));
    }, 120_000);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch (e) {
        reject(e);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vcsim exited (${code}) before it was ready: ${stderr.join('')}`));
    });
  });
  const baseUrl = ready.url.replace(/\/sdk$/, '');
  // A test run that ends without close() (a crash, a timeout) still stops its simulator, which then cleans up.
  const onExit = () => {
    child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));
  return { ...ready, baseUrl, close: () => stop(child) };
}

/** SIGTERM, so the launcher removes its datastore temp dirs; SIGKILL if it has not exited after 10 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** What the launcher creates for given flags (govmomi simulator/model.go, Model.Create), to check an inventory against. */
export function expectedCounts(opts: VcsimOptions = {}): {
  datacenters: number;
  clusters: number;
  hosts: number;
  vms: number;
  datastores: number;
} {
  const i = { ...DEFAULTS, ...opts };
  if (opts.esx) return { datacenters: 1, clusters: 0, hosts: 1, vms: i.vm, datastores: i.ds };
  return {
    datacenters: i.dc,
    clusters: i.dc * i.cluster,
    hosts: i.dc * (i.host + i.cluster * i.clusterHost),
    vms: i.dc * (i.host + i.cluster) * i.vm,
    datastores: i.dc * i.ds,
  };
}

function repoRoot(): string {
  // out/test/peers/vcsim (compiled) or test/peers/vcsim (ts-node): walk up to the folder with package.json.
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
