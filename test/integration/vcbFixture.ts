// The VCB lab for integration tests: vcsim (VMware's simulator), a real OpenSSH peer with the VCB stub tools on its
// PATH (test/lab/vcb), a VMware connection profile with that VCB host, and helpers to look into vcsim.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectionProfile, VcbHostProfile } from '../../src/core/model';
import { JobContext } from '../../src/core/job';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { VsphereInventory, VsphereVm, flattenSnapshots } from '../../src/providers/vmware/vmwareRecords';
import { VcbProvider } from '../../src/providers/vcb/vcbProvider';
import { VcbLab, VcbLabOptions, buildVimHelper, startVcbLab } from '../lab/vcb/vcbLab';
import { VCSIM_PASSWORD, VmwareFixture, startVmwareFixture, stopVmwareFixture } from './vmwareFixture';

export const VC_USER = 'administrator@vsphere.local';

export interface VcbFixture {
  vmw: VmwareFixture;
  lab: VcbLab;
  profile: ConnectionProfile;
  host: VcbHostProfile;
  /** The local directory of a datastore (vcsim keeps datastores in temp directories). */
  dsDir(name?: string): Promise<string>;
  inventory(): Promise<VsphereInventory>;
  vm(name: string): Promise<VsphereVm>;
  snapshotNames(vmName: string): Promise<string[]>;
  open(over?: Partial<VcbHostProfile>): Promise<VcbProvider>;
  /** Runs the lab's govmomi helper against vcsim (setup steps tests need, e.g. registering a VM). */
  helper(...args: string[]): string;
}

export async function startVcbFixture(labOpts: Partial<VcbLabOptions> = {}): Promise<VcbFixture> {
  const vmw = await startVmwareFixture({ host: 1, cluster: 0, vm: 3 });
  let lab: VcbLab;
  try {
    lab = await startVcbLab({ vchost: vmw.sim.url, username: VC_USER, password: VCSIM_PASSWORD, ...labOpts });
  } catch (e) {
    await stopVmwareFixture(vmw);
    throw e;
  }
  fs.mkdirSync(path.join(lab.peer.files, 'staging'));
  execFileSync('chown', [lab.peer.user, path.join(lab.peer.files, 'staging')]);
  const host: VcbHostProfile = {
    host: lab.peer.host,
    port: lab.peer.port,
    username: lab.peer.user,
    hostKey: lab.peer.hostKeyFingerprint,
    configPaths: [lab.confPath],
    stagingDir: path.join(lab.peer.files, 'staging'),
  };
  const profile: ConnectionProfile = {
    name: 'vc-lab',
    platform: 'vmware',
    url: vmw.sim.baseUrl,
    username: VC_USER,
    thumbprint: vmw.sim.sha256,
    vcbHosts: [host],
  };
  const inventory = () => readInventory(vmw.client);
  const f: VcbFixture = {
    vmw,
    lab,
    profile,
    host,
    inventory,
    async dsDir(name = 'LocalDS_0') {
      const ds = (await inventory()).datastores.find((d) => d.name === name);
      if (!ds?.url) throw new Error(`no datastore ${name}`);
      return ds.url.replace(/^ds:\/\//, '');
    },
    async vm(name) {
      const v = (await inventory()).vms.find((x) => x.name === name);
      if (!v) throw new Error(`no VM ${name}`);
      return v;
    },
    async snapshotNames(vmName) {
      return flattenSnapshots((await f.vm(vmName)).snapshots).map((s) => s.name);
    },
    open: (over = {}) =>
      VcbProvider.open(
        profile,
        { ...host, ...over },
        { vcenterPassword: VCSIM_PASSWORD, sshPrivateKey: lab.peer.privateKey },
        vmw.client,
      ),
    helper: (...args) =>
      execFileSync(buildVimHelper(), args, {
        encoding: 'utf8',
        env: { ...process.env, VIM_URL: vmw.sim.url, VIM_USER: VC_USER, VIM_PASSWORD: VCSIM_PASSWORD },
      }),
  };
  return f;
}

export async function stopVcbFixture(f: VcbFixture | undefined): Promise<void> {
  if (!f) return;
  await f.lab.stop().catch(() => undefined);
  await stopVmwareFixture(f.vmw);
}

/** A job context that records log lines and progress; `abortWhen` aborts once progress says so. */
export function testContext(abortWhen?: (bytesDone: number) => boolean): JobContext & {
  lines: string[];
  progressed: number[];
  /** Progress messages, each once in the order first seen. */
  messages: string[];
  controller: AbortController;
} {
  const controller = new AbortController();
  const lines: string[] = [];
  const progressed: number[] = [];
  const messages: string[] = [];
  return {
    signal: controller.signal,
    controller,
    lines,
    progressed,
    messages,
    log: (l) => lines.push(l),
    progress: (p) => {
      progressed.push(p.bytesDone);
      if (p.message && !messages.includes(p.message)) messages.push(p.message);
      if (abortWhen?.(p.bytesDone)) controller.abort();
    },
  };
}

/** Command lines of a user's processes (from /proc): what a cancelled or ended tool must not leave running. */
export function processesOf(user: string): string[] {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.statSync(`/proc/${pid}`).uid !== uid) continue;
      out.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      /* gone */
    }
  }
  return out;
}
