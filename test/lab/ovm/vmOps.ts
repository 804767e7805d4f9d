// VM actions as Manager jobs, with the run-state rules: start, stop, kill, cold clone into a repository, delete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobFailure, JobPlan } from './jobs';
import { Ref, RepositoryObj, ServerObj, ServerPoolObj, VirtualDiskObj, VmDiskMappingObj, VmObj, base } from './model';
import { OvmStore, newId } from './store';

/** The Manager's date in rule messages: `Sun Jun 03 15:24:03 GST 2018` (Java Date.toString; the lab says UTC). */
export function javaDate(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const day = d.toUTCString().slice(0, 3);
  const mon = d.toUTCString().slice(8, 11);
  return `${day} ${mon} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** OVMRU_005002E, worded as a real 3.4 Manager printed it (platform-facts.md §3.1), in the RuleException style (§2.4). */
export function notStopped(vm: VmObj): JobFailure {
  return new JobFailure(
    `com.oracle.ovm.mgr.api.exception.RuleException: OVMRU_005002E Operation not allowed- Virtual Machine: ${vm.name}, is not STOPPED. It is ${vm.vmRunState}. [${javaDate()}]`,
  );
}

export class VmOps {
  constructor(private readonly store: OvmStore) {}

  power(vm: VmObj, action: 'start' | 'stop' | 'kill'): JobPlan {
    const verb = action === 'start' ? 'Start' : action === 'stop' ? 'Stop' : 'Kill';
    return {
      name: `${verb} Vm: ${vm.name}`,
      steps: [
        {
          message: `${verb} ${vm.name}`,
          run: () => {
            const pool = vm.serverPoolId && this.store.get<ServerPoolObj>('ServerPool', vm.serverPoolId.value);
            const servers = (pool ? pool.serverIds : [])
              .map((r) => this.store.get<ServerObj>('Server', r.value)!)
              .filter((s) => s.serverRunState === 'RUNNING' && !s.maintenanceMode);
            if (action === 'start') {
              if (vm.vmRunState === 'RUNNING') return; // *assumed*: starting a running VM is a no-op
              if (!servers[0])
                throw new JobFailure(
                  `com.oracle.ovm.mgr.api.exception.RuleException: OVMRU_005019E No server available to start Virtual Machine: ${vm.name} [${javaDate()}]`,
                ); // *assumed* code and text
              vm.vmRunState = 'RUNNING';
              vm.serverId = servers[0].id;
              servers[0].vmIds.push(vm.id);
            } else {
              if (vm.serverId) {
                const s = this.store.get<ServerObj>('Server', vm.serverId.value);
                if (s) s.vmIds = s.vmIds.filter((r) => r.value !== vm.id.value);
              }
              vm.vmRunState = 'STOPPED';
              vm.serverId = null;
            }
            vm.generation++;
          },
        },
      ],
      result: () => vm.id,
    };
  }

  /**
   * PUT /Vm/{id}/clone?serverPoolId=&repositoryId=&createTemplate= (python-ovmclient VmManager.clone): the source must
   * be STOPPED (or a template), or RUNNING with every disk and the target repository on OCFS2 (a hot clone: Oracle VM
   * Concepts Guide §7.6 "How does Cloning Work?"; guide §12.2), else OVMRU_005002E. Each disk is copied into the target repository (one step and one
   * progress message per disk), then the new VM is made with its mappings and vm.cfg; `resultId` is the new VM.
   */
  clone(vm: VmObj, poolId: string, repoId: string | undefined, createTemplate: boolean): JobPlan {
    const made: { vm?: VmObj; disks: VirtualDiskObj[] } = { disks: [] };
    const source = vm.vmDiskMappingIds
      .map((r) => this.store.get<VmDiskMappingObj>('VmDiskMapping', r.value)!)
      .filter((m) => m.virtualDiskId);
    const target = (): RepositoryObj => {
      const id = repoId ?? vm.repositoryId?.value;
      const repo = id && this.store.get<RepositoryObj>('Repository', id);
      if (!repo)
        throw new JobFailure(`com.oracle.ovm.mgr.ws.model.WsException: OVMAPI_WS_2002E Repository not found: ${id}`); // *assumed*
      return repo;
    };
    return {
      name: `Clone Vm: ${vm.name}`,
      steps: [
        {
          message: `Checking ${vm.name}`,
          run: () => {
            const repo = target();
            if (vm.vmRunState !== 'STOPPED' && vm.vmRunState !== 'TEMPLATE' && !this.hotCloneable(vm, source, repo))
              throw notStopped(vm);
          },
        },
        ...source.map((m, i) => ({
          message: `Cloning virtual disk ${i + 1} of ${source.length}`,
          run: () => {
            const from = this.store.get<VirtualDiskObj>('VirtualDisk', m.virtualDiskId!.value)!;
            const repo = target();
            const disk = this.store.addDisk(repo, `${from.name.replace(/\.img$/, '')} (clone).img`, from.size);
            made.disks.push(disk);
            const src = this.store.repoDir(from.repositoryId);
            const dst = this.store.repoDir(repo.id);
            if (src && dst) {
              fs.mkdirSync(path.join(dst, 'VirtualDisks'), { recursive: true });
              fs.copyFileSync(path.join(src, from.path), path.join(dst, disk.path));
            }
          },
        })),
        {
          message: `Creating ${vm.name}.0`,
          run: () => {
            const repo = target();
            const c: VmObj = {
              ...vm,
              ...base('Vm', newId('Vm'), `${vm.name}.0`),
              vmRunState: createTemplate ? 'TEMPLATE' : 'STOPPED',
              serverId: null,
              repositoryId: repo.id,
              serverPoolId: { type: 'ServerPool', value: poolId },
              vmDiskMappingIds: [],
              virtualNicIds: [],
              origin: vm.id.value,
            };
            this.store.put(c);
            made.vm = c;
            repo.vmIds.push(c.id);
            const pool = this.store.get<ServerPoolObj>('ServerPool', poolId);
            pool?.vmIds.push(c.id);
            made.disks.forEach((d, i) => this.store.map(c, d, i));
            this.store.writeVmCfg(c);
          },
        },
      ],
      result: () => made.vm?.id ?? null,
      rollback: () => {
        if (made.vm) this.store.removeVm(made.vm, true);
        else for (const d of made.disks) this.store.removeDisk(d);
      },
    };
  }

  /**
   * A running VM may be cloned (hot clone) only when the source and target repositories are OCFS2-based (Oracle VM
   * Concepts Guide §7.6: "A hot clone is only available on OCFS2-based file systems, so you must use either iSCSI- or
   * fibre channel-based storage for the source and target repositories"): every disk of the VM and the target.
   */
  private hotCloneable(vm: VmObj, mappings: VmDiskMappingObj[], target: RepositoryObj): boolean {
    if (vm.vmRunState !== 'RUNNING') return false;
    const ocfs2 = (id: string) => this.store.get<RepositoryObj>('Repository', id)?.fileSystemType === 'OCFS2';
    return (
      ocfs2(target.id.value) &&
      mappings.every((m) =>
        ocfs2(this.store.get<VirtualDiskObj>('VirtualDisk', m.virtualDiskId!.value)!.repositoryId.value),
      )
    );
  }

  /**
   * DELETE /Vm/{id}: only a STOPPED VM (OVMRU_005002E otherwise); removes the VM, its mappings and its vm.cfg, and
   * leaves its virtual disks in the repository (*assumed*: the UI asks which disks to delete; python-ovmclient deletes
   * disks separately, `Repository/{id}/VirtualDisk/{id}`).
   */
  remove(vm: VmObj): JobPlan {
    return {
      name: `Delete Vm: ${vm.name}`,
      steps: [
        {
          message: `Deleting ${vm.name}`,
          run: () => {
            if (vm.vmRunState !== 'STOPPED' && vm.vmRunState !== 'TEMPLATE') throw notStopped(vm);
            this.store.removeVm(vm, false);
          },
        },
      ],
      result: () => null,
    };
  }
}

export type { Ref };
