// The Manager CLI's virtual appliances (CLI reference A.106 `exportVirtualAppliance`, A.59 `delete VirtualAppliance`,
// `list VirtualAppliance`), as the CLI stub asks them through the admin hook. An export is a Manager job that writes a
// real OVA (DSP0243 §5.3: tar, the `.ovf` first, a `.mf` with SHA256 lines, then the disk images) under the
// repository's `Assemblies` folder. README.md: what each behaviour follows and what is assumed (the sub-path and the
// file name inside Assemblies, the job's name, its steps).
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { JobFailure, JobPlan } from './jobs';
import { RepositoryObj, VirtualDiskObj, VmDiskMappingObj, VmObj } from './model';
import { OvmStore } from './store';
import { notStopped } from './vmOps';

/** A VirtualAppliance as the lab keeps it (not a REST type: no source shows one). */
export interface LabAppliance {
  id: string;
  name: string;
  repositoryId: string;
  vmIds: string[];
  /** The folder under `<repository>/Assemblies` its files are in (deleted with it). */
  folder: string;
}

/**
 * Test switches (not the Manager): `writes` — `ova` a normal package, `nothing` a job that succeeds and writes no file,
 * `two` two packages in two folders, `corrupt` an OVA whose first disk does not match its `.mf` line; `slowSteps`
 * extra job steps before the package is written (a job to cancel).
 */
export interface ExportFaults {
  writes: 'ova' | 'nothing' | 'two' | 'corrupt';
  slowSteps: number;
}

export class ApplianceOps {
  readonly appliances = new Map<string, LabAppliance>();
  readonly faults: ExportFaults = { writes: 'ova', slowSteps: 0 };

  constructor(private readonly store: OvmStore) {}

  /**
   * `exportVirtualAppliance Repository … name=<name> vms=<ids or names>`: a job `Export VM(s) to Virtual Appliance:
   * <name>` that refuses a VM that is not STOPPED with the clone's OVMRU_005002E (A.106: "Virtual machines must be in
   * the Stopped state"), then writes the OVA into `Assemblies/<appliance id>/<name>.ova` and records the appliance. A
   * failed or aborted job removes what it wrote. Undefined: no such repository or VM.
   */
  export(repo: RepositoryObj, name: string, vmKeys: string[]): JobPlan | undefined {
    const vms = vmKeys.map((k) => (this.store.all('Vm') as VmObj[]).find((v) => v.id.value === k || v.name === k));
    if (!vms.length || vms.some((v) => !v)) return undefined;
    const dir = this.store.repoDir(repo.id);
    const id = `0004fb0000${'0018'}0000${randomBytes(8).toString('hex')}`;
    const folders: string[] = [];
    let written: Promise<void> = Promise.resolve();
    const slow = Array.from({ length: this.faults.slowSteps }, (_, i) => ({
      message: `Exporting virtual machine ${i + 1} of ${this.faults.slowSteps + 1}`,
      run: () => undefined,
    }));
    return {
      name: `Export VM(s) to Virtual Appliance: ${name}`,
      steps: [
        {
          message: `Checking virtual machines ${vms.map((v) => v!.name).join(', ')}`,
          run: () => {
            for (const v of vms) if (v!.vmRunState !== 'STOPPED') throw notStopped(v!);
          },
        },
        ...slow,
        {
          message: `Creating virtual appliance ${name}`,
          run: () => {
            if (!dir) throw new JobFailure('java.lang.RuntimeException: the lab repository has no folder');
            const assemblies = path.join(dir, 'Assemblies');
            const writes = this.faults.writes;
            if (writes === 'nothing') return;
            const count = writes === 'two' ? 2 : 1;
            for (let i = 0; i < count; i++) {
              const folder = path.join(assemblies, i ? `${id}-${i}` : id);
              fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
              folders.push(folder);
              const file = path.join(folder, `${name}.ova`);
              written = written.then(() => writeOva(this.store, file, name, vms as VmObj[], writes === 'corrupt'));
            }
          },
        },
        {
          message: `Saving virtual appliance ${name}`,
          run: () => undefined,
          wait: () => written,
        },
      ],
      result: () => {
        this.appliances.set(id, {
          id,
          name,
          repositoryId: repo.id.value,
          vmIds: vms.map((v) => v!.id.value),
          folder: folders[0] ?? '',
        });
        for (const f of folders.slice(1)) this.extraFolders.set(id, [...(this.extraFolders.get(id) ?? []), f]);
        return null;
      },
      rollback: () => {
        void written
          .catch(() => undefined)
          .then(() => {
            for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
          });
      },
    };
  }

  /** Folders an appliance's export wrote besides its own (the `two` switch); deleted with it. */
  private readonly extraFolders = new Map<string, string[]>();

  /** `delete VirtualAppliance id=|name=` (A.59): removes the appliance and its files. False: no such appliance. */
  delete(key: { id?: string; name?: string }): boolean {
    const a = [...this.appliances.values()].find((x) => (key.id !== undefined ? x.id === key.id : x.name === key.name));
    if (!a) return false;
    this.appliances.delete(a.id);
    for (const f of [a.folder, ...(this.extraFolders.get(a.id) ?? [])])
      if (f) fs.rmSync(f, { recursive: true, force: true });
    this.extraFolders.delete(a.id);
    return true;
  }
}

/**
 * Writes `<file>` as an OVA (tar-stream): `<name>.ovf` (a minimal OVF envelope naming each disk file), `<name>.mf`
 * (`SHA256(<member>)= <hex>` for the descriptor and each disk), then each virtual disk image of the VMs as
 * `<name>-disk<n>.img`, streamed from the repository's `VirtualDisks`. `corrupt`: the first disk's line is wrong.
 */
async function writeOva(store: OvmStore, file: string, name: string, vms: VmObj[], corrupt: boolean): Promise<void> {
  const disks: Array<{ member: string; source: string; bytes: number }> = [];
  for (const vm of vms)
    for (const m of vm.vmDiskMappingIds) {
      const mapping = store.get<VmDiskMappingObj>('VmDiskMapping', m.value);
      const disk = mapping?.virtualDiskId && store.get<VirtualDiskObj>('VirtualDisk', mapping.virtualDiskId.value);
      if (!disk || disk.diskType !== 'VIRTUAL_DISK' || !disk.repositoryId) continue;
      const source = path.join(store.repoDir(disk.repositoryId)!, 'VirtualDisks', path.basename(disk.path));
      disks.push({ member: `${name}-disk${disks.length}.img`, source, bytes: fs.statSync(source).size });
    }
  const ovf = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/2">',
    '  <References>',
    ...disks.map((d, i) => `    <File ovf:id="file${i}" ovf:href="${d.member}" ovf:size="${d.bytes}"/>`),
    '  </References>',
    `  <VirtualSystemCollection ovf:id="${name}">`,
    ...vms.map((v) => `    <VirtualSystem ovf:id="${v.id.value}"><Name>${v.id.value}</Name></VirtualSystem>`),
    '  </VirtualSystemCollection>',
    '</Envelope>',
    '',
  ].join('\n');
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const lines = [`SHA256(${name}.ovf)= ${sha(ovf)}`];
  for (const [i, d] of disks.entries()) {
    const h = createHash('sha256');
    for await (const c of fs.createReadStream(d.source)) h.update(c as Buffer);
    lines.push(`SHA256(${d.member})= ${corrupt && i === 0 ? sha('not this disk') : h.digest('hex')}`);
  }
  const pack = tar.pack();
  const out = pipeline(pack, fs.createWriteStream(file, { mode: 0o644 }));
  const add = (member: string, body: string) =>
    new Promise<void>((res, rej) => pack.entry({ name: member }, body, (e) => (e ? rej(e) : res())));
  await add(`${name}.ovf`, ovf);
  await add(`${name}.mf`, lines.join('\n') + '\n');
  for (const d of disks) {
    const entry = pack.entry({ name: d.member, size: d.bytes });
    await pipeline(fs.createReadStream(d.source), entry);
  }
  pack.finalize();
  await out;
}
