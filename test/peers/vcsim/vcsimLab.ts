// The fixed vCenter the demo, `vmbackup lab` and the extension's e2e tests show beside the XAPI lab: VMware's simulator
// (vcsim.ts) with datacenter DC0 → cluster DC0_C0 (3 hosts) and a standalone host DC0_H0, 3 VMs each (in the cluster's
// root resource pool / on the host), two datastores (LocalDS_0 holds the VMs, LocalDS_1 is empty: the "other
// datastore" of a restore), VMs in mixed power states and one with a snapshot chain whose current snapshot is in the
// middle ("You are here" under "patched", "before upgrade" after it), and one running VM whose VMware Tools run
// (launcher flag -tools-running). The VMs' files get content (a .vmx, a disk descriptor and its flat extent of
// `diskMiB`), as vcsim creates them empty (README.md "What vcsim 0.24.2 lacks"). On request (the UI script, the demo)
// a host-local datastore on the standalone host, and a VM kept busy by a long-running task.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Vcsim, builtVcsim, startVcsim } from './vcsim';
import { VimClient, returnval } from '../../../src/providers/vmware/vimClient';
import { retrieveObject } from '../../../src/providers/vmware/vimPropertyCollector';
import { el } from '../../../src/providers/vmware/vimSoap';
import { asMoRef, decodeValue } from '../../../src/providers/vmware/vimValue';
import { readInventory } from '../../../src/providers/vmware/vmwareInventory';
import { VsphereInventory, VsphereVm } from '../../../src/providers/vmware/vmwareRecords';
import { createSnapshot, revertToSnapshot, setPower } from '../../../src/providers/vmware/vmwareSnapshots';
import { runTask } from '../../../src/providers/vmware/vimTasks';
import { tempDir } from '../../tempDir';

const DATASTORE_SYSTEM = 'configManager.datastoreSystem';

/** The vCenter's login user (vcsim accepts the one it is started with). */
export const VCSIM_LAB_USER = 'administrator@vsphere.local';

/** The VMs of the fixed inventory by role, and the power state each is left in (vSphere runtime.powerState). */
export const VCSIM_LAB_VMS = {
  /** Running, on the standalone host. */
  running: 'DC0_H0_VM0',
  /** Powered off, on the standalone host. */
  poweredOff: 'DC0_H0_VM1',
  /** Suspended, on the standalone host. */
  suspended: 'DC0_H0_VM2',
  /** Running, in the cluster, with the snapshot chain installed → patched (current) → before upgrade. */
  withSnapshots: 'DC0_C0_RP0_VM0',
  /** Powered off, in the cluster. */
  clusterOff: 'DC0_C0_RP0_VM1',
  /** Running, in the cluster, its guest reporting VMware Tools running (launcher flag -tools-running): quiesce applies. */
  clusterRunning: 'DC0_C0_RP0_VM2',
} as const;

/** The snapshot chain of VCSIM_LAB_VMS.withSnapshots, root first; `current` is where the VM is ("You are here"). */
export const VCSIM_LAB_SNAPSHOTS = { chain: ['installed', 'patched', 'before upgrade'], current: 'patched' } as const;

export const VCSIM_LAB_DATASTORES = { vms: 'LocalDS_0', empty: 'LocalDS_1' } as const;
/** The standalone host's own datastore and its host (only with VcsimLabOptions.hostLocalDatastore). */
export const VCSIM_LAB_LOCAL_DATASTORE = { name: 'DC0_H0-local', host: 'DC0_H0' } as const;

/**
 * The vCenter's own loopback address: not the XAPI lab's (its hosts listen on 127.0.0.1, .2, …), so that a host name
 * names one platform — as on a real network, where a vCenter and an XCP-ng pool master are different machines (the
 * extension matches VCB files to connections by host). Its certificate is made for 127.0.0.1 and pinned by thumbprint.
 */
export const VCSIM_LAB_ADDRESS = '127.0.0.30';

export interface VcsimLabOptions {
  password: string;
  /** Size of each VM's flat disk extent, MiB (default 4). */
  diskMiB?: number;
  /** Per-VM sizes that differ from diskMiB, MiB (e.g. a bigger disk whose backup is seen running). */
  diskMiBOf?: Partial<Record<string, number>>;
  /**
   * Add VCSIM_LAB_LOCAL_DATASTORE: HostDatastoreSystem.CreateLocalDatastore on VCSIM_LAB_LOCAL_DATASTORE.host over a folder of
   * its own (vcsim host_datastore_system.go: mounted on that host only, summary.multipleHostAccess unset).
   */
  hostLocalDatastore?: boolean;
  /** How long the launcher's ConsolidateVMDisks_Task runs, ms (its `-task-ms`; default 0): see VcsimLab.startBusy. */
  taskMs?: number;
}

export interface VcsimLab {
  sim: Vcsim;
  /** The simulator's whole inventory now, read by a client of its own (for checks from outside the extension). */
  inventory(): Promise<VsphereInventory>;
  /**
   * Starts the launcher's ConsolidateVMDisks_Task on VM `vmName` (it runs VcsimLabOptions.taskMs: a running task the
   * VM shows busy through TaskManager.recentTask, as a long vSphere task would); resolves with its cancel (CancelTask).
   */
  startBusy(vmName: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Why the simulator cannot start here, or undefined when its launcher is built (the demo and `vmbackup lab` show the
 * XCP-ng side alone then, and say how to get the vCenter: they never build it themselves).
 */
export function vcsimMissing(): string | undefined {
  return builtVcsim()
    ? undefined
    : 'the vSphere simulator is not built: run `bash test/peers/vcsim/build.sh` (Debian golang-go + golang-github-vmware-govmomi-dev), then start again';
}

/** Starts vcsim with the fixed inventory above (loopback, ephemeral port, self-signed certificate). */
export async function startVcsimLab(o: VcsimLabOptions): Promise<VcsimLab> {
  const sim = await startVcsim({
    username: VCSIM_LAB_USER,
    password: o.password,
    address: VCSIM_LAB_ADDRESS,
    dc: 1,
    cluster: 1,
    clusterHost: 3,
    host: 1,
    vm: 3,
    ds: 2,
    toolsRunning: [VCSIM_LAB_VMS.clusterRunning],
    taskMs: o.taskMs,
  });
  const localDir = o.hostLocalDatastore ? tempDir('vmbackup-vcsim-localds-') : undefined;
  const close = async () => {
    await sim.close();
    if (localDir) fs.rmSync(localDir, { recursive: true, force: true });
  };
  try {
    await withClient(sim, o.password, (client) => seed(client, o, localDir));
  } catch (e) {
    await close();
    throw e;
  }
  return {
    sim,
    inventory: () => withClient(sim, o.password, (client) => readInventory(client)),
    startBusy: (vmName) =>
      withClient(sim, o.password, async (client) => {
        const vm = (await readInventory(client)).vms.find((v) => v.name === vmName);
        if (!vm) throw new Error(`vcsim lab: no VM ${vmName}`);
        const res = await client.invoke('ConsolidateVMDisks_Task', { type: 'VirtualMachine', value: vm.id });
        const task = asMoRef(decodeValue(returnval(res, 'ConsolidateVMDisks_Task')), 'ConsolidateVMDisks_Task');
        return () => withClient(sim, o.password, async (c) => void (await c.invoke('CancelTask', task)));
      }),
    close,
  };
}

/** Runs `fn` with a client logged in to the simulator (pinned to its certificate), logged out after. */
async function withClient<T>(sim: Vcsim, password: string, fn: (client: VimClient) => Promise<T>): Promise<T> {
  const client = new VimClient({ url: sim.baseUrl, username: VCSIM_LAB_USER, password, thumbprint: sim.sha256 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => undefined);
  }
}

async function seed(client: VimClient, o: VcsimLabOptions, localDir: string | undefined): Promise<void> {
  if (localDir) {
    const host = (await readInventory(client)).hosts.find((h) => h.name === VCSIM_LAB_LOCAL_DATASTORE.host);
    const system = host && (await retrieveObject(client, { type: 'HostSystem', value: host.id }, [DATASTORE_SYSTEM]));
    if (!system) throw new Error(`vcsim lab: no host ${VCSIM_LAB_LOCAL_DATASTORE.host}`);
    const dss = asMoRef(system.props[DATASTORE_SYSTEM], DATASTORE_SYSTEM);
    await client.invoke('CreateLocalDatastore', dss, el('name', VCSIM_LAB_LOCAL_DATASTORE.name) + el('path', localDir));
  }
  const inv = await readInventory(client);
  const vm = (name: string): VsphereVm => {
    const found = inv.vms.find((v) => v.name === name);
    if (!found) throw new Error(`vcsim lab: no VM ${name} in the simulator's inventory`);
    return found;
  };
  const dir = inv.datastores.find((d) => d.name === VCSIM_LAB_DATASTORES.vms)?.url;
  if (!dir || !fs.existsSync(dir))
    throw new Error(`vcsim lab: datastore ${VCSIM_LAB_DATASTORES.vms} has no local directory`);
  for (const v of Object.values(VCSIM_LAB_VMS)) writeVmFiles(path.join(dir, v), v, o.diskMiBOf?.[v] ?? o.diskMiB ?? 4);

  const snaps = vm(VCSIM_LAB_VMS.withSnapshots);
  const ids: string[] = [];
  for (const name of VCSIM_LAB_SNAPSHOTS.chain)
    ids.push(
      await createSnapshot(client, snaps.id, {
        name,
        description: `${name} (demo inventory)`,
        memory: false,
        quiesce: false,
      }),
    );
  await revertToSnapshot(client, ids[VCSIM_LAB_SNAPSHOTS.chain.indexOf(VCSIM_LAB_SNAPSHOTS.current)]);

  for (const name of [VCSIM_LAB_VMS.poweredOff, VCSIM_LAB_VMS.clusterOff]) await setPower(client, vm(name).id, false);
  await runTask(client, 'SuspendVM_Task', { type: 'VirtualMachine', value: vm(VCSIM_LAB_VMS.suspended).id }, '');
}

/** A VM's files with content: .vmx naming its disk, a monolithic-flat descriptor, the extent, a small .nvram. */
function writeVmFiles(dir: string, name: string, diskMiB: number): void {
  const mib = 1024 * 1024;
  fs.writeFileSync(
    path.join(dir, `${name}.vmx`),
    [
      '.encoding = "UTF-8"',
      'config.version = "8"',
      'virtualHW.version = "13"',
      `displayName = "${name}"`,
      'guestOS = "otherGuest"',
      'memSize = "32"',
      `nvram = "${name}.nvram"`,
      'scsi0.present = "TRUE"',
      'scsi0.virtualDev = "lsilogic"',
      'scsi0:0.present = "TRUE"',
      'scsi0:0.fileName = "disk1.vmdk"',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'disk1.vmdk'),
    [
      '# Disk DescriptorFile',
      'version=1',
      'CID=fffffffe',
      'parentCID=ffffffff',
      'createType="vmfs"',
      '',
      '# Extent description',
      `RW ${(diskMiB * mib) / 512} VMFS "disk1-flat.vmdk"`,
      '',
      '# The Disk Data Base',
      'ddb.adapterType = "lsilogic"',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, `${name}.nvram`), Buffer.alloc(8 * 1024, 0x4e));
  // The extent, 1 MiB at a time (a pattern naming the VM and the block, so every block differs).
  const fd = fs.openSync(path.join(dir, 'disk1-flat.vmdk'), 'w');
  try {
    for (let i = 0; i < diskMiB; i++) fs.writeSync(fd, Buffer.alloc(mib, `${name} block ${i} `));
  } finally {
    fs.closeSync(fd);
  }
}
