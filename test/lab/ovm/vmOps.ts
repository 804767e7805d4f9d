// VM actions as Manager jobs, with the run-state rules: start, stop, kill, cold clone into a repository, delete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobFailure, JobPlan } from './jobs';
import {
  Ref,
  RepositoryObj,
  ServerObj,
  ServerPoolObj,
  VirtualDiskObj,
  VmCloneDefinitionObj,
  VmCloneStorageMappingObj,
  VmDiskMappingObj,
  VmObj,
  base,
} from './model';
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
   * PUT /Vm/{id}/clone?serverPoolId=&repositoryId=&createTemplate=[&vmCloneDefinitionId=] (python-ovmclient
   * VmManager.clone; go-ovm-helper `VMService.CloneVM`). `repositoryId` (else the VM's own) takes the new VM's vm.cfg.
   * Without a customizer every disk is copied there. With one (`vmCloneDefinitionId`, a VmCloneDefinition of this VM)
   * each disk goes where its storage mapping says, with its clone type; a disk it does not map is left out of the clone
   * (S. Coter's HotCloneVm.sh: the clone "has only virtual-disks" the customizer maps). The source must be STOPPED (or
   * a template), or RUNNING for a hot clone (hotCloneable), else OVMRU_005002E. One step and one progress message per
   * disk, then the new VM with its mappings and vm.cfg; `resultId` is the new VM.
   */
  clone(
    vm: VmObj,
    poolId: string,
    repoId: string | undefined,
    createTemplate: boolean,
    definitionId?: string,
  ): JobPlan {
    const made: { vm?: VmObj; disks: VirtualDiskObj[] } = { disks: [] };
    const mappings = vm.vmDiskMappingIds
      .map((r) => this.store.get<VmDiskMappingObj>('VmDiskMapping', r.value)!)
      .filter((m) => m.virtualDiskId);
    const definition = (): VmCloneDefinitionObj | undefined => {
      if (definitionId === undefined) return undefined;
      const d = this.store.get<VmCloneDefinitionObj>('VmCloneDefinition', definitionId);
      if (!d || d.vmId.value !== vm.id.value)
        throw new JobFailure(
          `com.oracle.ovm.mgr.ws.model.WsException: OVMAPI_WS_2002E VmCloneDefinition not found for Virtual Machine ${vm.name}: ${definitionId}`,
        ); // *assumed* code and text
      return d;
    };
    const storageMappings = (d: VmCloneDefinitionObj) =>
      d.vmCloneStorageMappingIds.map((r) =>
        this.store.get<VmCloneStorageMappingObj>('VmCloneStorageMapping', r.value)!,
      );
    const target = (id = repoId ?? vm.repositoryId?.value): RepositoryObj => {
      const repo = id && this.store.get<RepositoryObj>('Repository', id);
      if (!repo)
        throw new JobFailure(`com.oracle.ovm.mgr.ws.model.WsException: OVMAPI_WS_2002E Repository not found: ${id}`); // *assumed*
      return repo;
    };
    /** Per disk mapping of the VM: the disk and the repository its copy goes into (undefined: left out). */
    const plan = (): Array<{ from: VirtualDiskObj; into: RepositoryObj } | undefined> => {
      const d = definition();
      const disk = (m: VmDiskMappingObj) => this.store.get<VirtualDiskObj>('VirtualDisk', m.virtualDiskId!.value)!;
      if (!d) return mappings.map((m) => ({ from: disk(m), into: target() }));
      const sms = storageMappings(d);
      return mappings.map((m) => {
        const sm = sms.find((x) => x.vmDiskMappingId.value === m.id.value);
        return sm?.repositoryId ? { from: disk(m), into: target(sm.repositoryId.value) } : undefined;
      });
    };
    return {
      name: `Clone Vm: ${vm.name}`,
      steps: [
        {
          message: `Checking ${vm.name}`,
          run: () => {
            target();
            plan();
            const hot = () => this.hotCloneable(vm, mappings, definition());
            if (vm.vmRunState !== 'STOPPED' && vm.vmRunState !== 'TEMPLATE' && !hot()) throw notStopped(vm);
          },
        },
        ...mappings.map((_, i) => ({
          message: `Cloning virtual disk ${i + 1} of ${mappings.length}`,
          run: () => {
            const p = plan()[i];
            if (!p) return;
            const disk = this.store.addDisk(p.into, `${p.from.name.replace(/\.img$/, '')} (clone).img`, p.from.size);
            made.disks.push(disk);
            const src = this.store.repoDir(p.from.repositoryId);
            const dst = this.store.repoDir(p.into.id);
            if (src && dst) {
              fs.mkdirSync(path.join(dst, 'VirtualDisks'), { recursive: true });
              fs.copyFileSync(path.join(src, p.from.path), path.join(dst, disk.path));
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
              vmCloneDefinitionIds: [],
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
   * A running VM is cloned (hot clone) only through a clone customizer whose storage mappings give every virtual disk
   * of the VM a clone type, and only when the source and target repositories are OCFS2-based (Oracle VM 3.3 Concepts
   * Guide §7.6: "A hot clone is only available on OCFS2-based file systems, so you must use either iSCSI- or fibre
   * channel-based storage for the source and target repositories. Additionally, Oracle VM Manager allows you to create
   * hot clones for virtual machines only if the clone type for …" — the stored copy of the page is cut there).
   */
  private hotCloneable(vm: VmObj, mappings: VmDiskMappingObj[], def: VmCloneDefinitionObj | undefined): boolean {
    if (vm.vmRunState !== 'RUNNING' || !def) return false;
    const ocfs2 = (id: string | undefined) =>
      id !== undefined && this.store.get<RepositoryObj>('Repository', id)?.fileSystemType === 'OCFS2';
    const sms = def.vmCloneStorageMappingIds.map((r) =>
      this.store.get<VmCloneStorageMappingObj>('VmCloneStorageMapping', r.value)!,
    );
    return mappings
      .map((m) => ({ m, disk: this.store.get<VirtualDiskObj>('VirtualDisk', m.virtualDiskId!.value)! }))
      .filter(({ disk }) => disk.diskType === 'VIRTUAL_DISK')
      .every(({ m, disk }) => {
        const sm = sms.find((x) => x.vmDiskMappingId.value === m.id.value);
        return !!sm?.cloneType && ocfs2(disk.repositoryId.value) && ocfs2(sm.repositoryId?.value);
      });
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
