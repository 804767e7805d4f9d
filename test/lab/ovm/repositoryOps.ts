// Repository actions as Manager jobs: delete a virtual disk, refresh (import the VM files found in the repository's
// folder: the Manager CLI's `refresh Repository`), and putting a VM into a server pool. Sources and assumptions:
// README.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobFailure, JobPlan } from './jobs';
import { RepositoryObj, ServerPoolObj, VirtualDiskObj, VmObj, base } from './model';
import { OvmStore } from './store';
import { javaDate } from './vmOps';

/**
 * Test switches for the outcomes the product checks instead of trusting (not part of the Manager): a refresh whose
 * job succeeds but imports nothing (`nothing`) or the VMs without their disks (`vms-only`), an addVm whose job succeeds
 * but leaves the VM where it was.
 */
export interface ImportFaults {
  refreshImports: 'all' | 'nothing' | 'vms-only';
  addVmIgnored: boolean;
}

export class RepositoryOps {
  constructor(
    private readonly store: OvmStore,
    readonly faults: ImportFaults = { refreshImports: 'all', addVmIgnored: false },
  ) {}

  /** DELETE /Repository/{id}/VirtualDisk/{id} (python-ovmclient VirtualDiskManager(repository_id).delete). */
  deleteDisk(repo: RepositoryObj, disk: VirtualDiskObj): JobPlan {
    return {
      name: `Delete Virtual Disk: ${disk.name}`,
      steps: [
        {
          message: `Deleting ${disk.name}`,
          run: () => {
            if (disk.vmDiskMappingIds.length)
              throw new JobFailure(
                `com.oracle.ovm.mgr.api.exception.RuleException: OVMRU_001505E Cannot delete virtual disk ${disk.name}: it is in use by a virtual machine [${javaDate()}]`,
              ); // *assumed* code and text
            this.store.removeDisk(disk);
          },
        },
      ],
      result: () => null,
    };
  }

  /**
   * The Manager CLI's `refresh Repository` (CLI reference A.124; reached through the admin hook by the CLI stub,
   * test/peers/ovmm-tools): disk images the Manager does not know become VirtualDisks; `VirtualMachines/<id>/vm.cfg`
   * of unknown VMs become STOPPED VMs in no server pool (the "Unassigned Virtual Machines" of the UI), named by
   * `OVM_simple_name`, with their `disk` lines mapped. `faults.refreshImports` makes the job succeed and import nothing
   * or no disk.
   */
  refresh(repo: RepositoryObj): JobPlan {
    return {
      name: `Refresh Repository: ${repo.name}`,
      steps: [
        {
          message: `Refreshing ${repo.name}`,
          run: () => {
            const dir = this.store.repoDir(repo.id);
            if (!dir || this.faults.refreshImports === 'nothing') return;
            const known = new Set(this.store.all('VirtualDisk').map((d) => d.id.value));
            for (const f of safeList(path.join(dir, 'VirtualDisks'))) {
              if (known.has(f) || f.endsWith('.part') || this.faults.refreshImports === 'vms-only') continue;
              const size = fs.statSync(path.join(dir, 'VirtualDisks', f)).size;
              this.store.addDisk(repo, f, size, undefined, f);
            }
            for (const id of safeList(path.join(dir, 'VirtualMachines'))) {
              if (this.store.get('Vm', id)) continue;
              const cfgFile = path.join(dir, 'VirtualMachines', id, 'vm.cfg');
              if (!fs.existsSync(cfgFile)) continue;
              this.importVm(repo, id, fs.readFileSync(cfgFile, 'utf8'));
            }
          },
        },
      ],
      result: () => repo.id,
    };
  }

  private importVm(repo: RepositoryObj, id: string, cfg: string): void {
    const nameLine = /^OVM_simple_name\s*=\s*(.*)$/m.exec(cfg)?.[1]?.trim();
    let name = id;
    if (nameLine?.startsWith('"')) name = JSON.parse(nameLine) as string;
    else if (nameLine?.startsWith("'")) name = nameLine.slice(1, -1);
    const vm: VmObj = {
      ...base('Vm', id, name),
      vmRunState: 'STOPPED',
      vmDomainType: 'XEN_HVM_PV_DRIVERS',
      memory: Number(/^memory\s*=\s*(\d+)/m.exec(cfg)?.[1] ?? 1024),
      memoryLimit: Number(/^memory\s*=\s*(\d+)/m.exec(cfg)?.[1] ?? 1024),
      cpuCount: Number(/^vcpus\s*=\s*(\d+)/m.exec(cfg)?.[1] ?? 1),
      cpuCountLimit: Number(/^vcpus\s*=\s*(\d+)/m.exec(cfg)?.[1] ?? 1),
      osType: 'Oracle Linux 7',
      repositoryId: repo.id,
      serverPoolId: null,
      serverId: null,
      vmDiskMappingIds: [],
      virtualNicIds: [],
      highAvailability: false,
      origin: null,
      vmCloneDefinitionIds: [],
    };
    this.store.put(vm);
    repo.vmIds.push(vm.id);
    const diskLine = /^disk\s*=\s*(.*)$/m.exec(cfg)?.[1] ?? '';
    let slot = 0;
    for (const m of diskLine.matchAll(/file:[^,'"]*\/VirtualDisks\/([^,'"/]+),/g)) {
      const disk = this.store.get<VirtualDiskObj>('VirtualDisk', m[1]);
      if (disk) this.store.map(vm, disk, slot++);
    }
  }

  /**
   * PUT /ServerPool/{id}/addVm with the Vm's SimpleId as the body (cocampbe/ansible-ovm library/ovm_serverpool.py).
   * With `faults.addVmIgnored` the job succeeds and the VM stays where it was.
   */
  addVm(pool: ServerPoolObj, vm: VmObj | undefined): JobPlan {
    return {
      name: `Add Vm to ServerPool: ${pool.name}`,
      steps: [
        {
          message: `Adding ${vm?.name ?? 'a VM'} to ${pool.name}`,
          run: () => {
            if (!vm) throw new JobFailure('com.oracle.ovm.mgr.ws.model.WsException: OVMAPI_WS_2001E Vm not found'); // *assumed*
            if (this.faults.addVmIgnored) return;
            for (const p of this.store.all('ServerPool') as ServerPoolObj[])
              p.vmIds = p.vmIds.filter((r) => r.value !== vm.id.value);
            vm.serverPoolId = pool.id;
            pool.vmIds.push(vm.id);
            vm.generation++;
          },
        },
      ],
      result: () => vm?.id ?? null,
    };
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
