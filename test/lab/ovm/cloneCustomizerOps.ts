// Clone customizers (REST type VmCloneDefinition, the CLI's VmCloneCustomizer) and their storage mappings, as Manager
// jobs. URIs and bodies: go-ovm-helper `ovmhelper/vmcd.go`, `ovmHelper/vmcsm.go`, `ovmHelper/vmcsmType.go`
// (devans10/go-ovm-helper); dbgeek/terraform-provider-ovm `ovm/resource_ovm_vmcd.go`, `ovm/resource_ovm_vmcsm.go`.
// What each rule follows is in README.md.
import { JobFailure, JobPlan } from './jobs';
import {
  CLONE_TYPES,
  CloneType,
  RepositoryObj,
  VmCloneDefinitionObj,
  VmCloneStorageMappingObj,
  VmDiskMappingObj,
  VmObj,
  base,
} from './model';
import { OvmStore, newId } from './store';
import { javaDate } from './vmOps';

/** A SimpleId's `value` in a request body (`{type, value}`, as go-ovm-helper sends its `ID`), else undefined. */
function idValue(x: unknown): string | undefined {
  const v = (x as { value?: unknown } | null | undefined)?.value;
  return typeof v === 'string' ? v : undefined;
}

/** *assumed* wording (no capture of a refused customizer write): a RuleException as the other rule failures. */
function refused(what: string): JobFailure {
  return new JobFailure(`com.oracle.ovm.mgr.api.exception.RuleException: OVMRU_000091E ${what} [${javaDate()}]`);
}

export class CloneCustomizerOps {
  constructor(private readonly store: OvmStore) {}

  /** `POST /Vm/{id}/VmCloneDefinition` with `{vmId, name, description}` (go-ovm-helper `VmcdService.Create`): `resultId` = the customizer. */
  createDefinition(vm: VmObj, body: unknown): JobPlan {
    const b = (body ?? {}) as { name?: unknown; description?: unknown };
    let made: VmCloneDefinitionObj | undefined;
    return {
      name: `Create Vm Clone Definition: ${typeof b.name === 'string' ? b.name : ''}`,
      steps: [
        {
          message: `Creating clone customizer on ${vm.name}`,
          run: () => {
            if (!this.store.get('Vm', vm.id.value)) throw refused(`Virtual Machine ${vm.id.value} no longer exists`);
            made = {
              ...base('VmCloneDefinition', newId('VmCloneDefinition'), typeof b.name === 'string' ? b.name : ''),
              description: typeof b.description === 'string' ? b.description : '',
              vmId: vm.id,
              vmCloneStorageMappingIds: [],
              vmCloneNetworkMappingIds: [],
            };
            this.store.put(made);
            vm.vmCloneDefinitionIds.push(made.id);
          },
        },
      ],
      result: () => made?.id ?? null,
    };
  }

  /**
   * `POST /VmCloneDefinition/{id}/VmCloneStorageMapping` with `{vmDiskMappingId, vmCloneDefinitionId, repositoryId,
   * cloneType, name}` (go-ovm-helper `VmcsmService.Create`, `Vmcsm`). The disk mapping must be one of the customizer's
   * VM (CLI reference A.54: "A disk mapping that is already used by virtual machine that is this clone customizer's
   * parent must already exist"); `cloneType` one of A.54's three; THIN_CLONE only into an OCFS2 repository (A.30
   * `cloneVdToRepo`: "The clone target must be an OCFS2-based storage repository, or a storage array").
   */
  createStorageMapping(def: VmCloneDefinitionObj, body: unknown): JobPlan {
    const b = (body ?? {}) as Record<string, unknown>;
    let made: VmCloneStorageMappingObj | undefined;
    return {
      name: `Create Vm Clone Storage Mapping: ${typeof b.name === 'string' ? b.name : ''}`,
      steps: [
        {
          message: `Creating storage mapping on ${def.name}`,
          run: () => {
            const mapping = this.store.get<VmDiskMappingObj>('VmDiskMapping', idValue(b.vmDiskMappingId) ?? '');
            if (!mapping || mapping.vmId.value !== def.vmId.value)
              throw refused(
                `VmDiskMapping ${String(idValue(b.vmDiskMappingId))} is not a disk mapping of the customizer's VM`,
              );
            const repo = this.store.get<RepositoryObj>('Repository', idValue(b.repositoryId) ?? '');
            if (!repo) throw refused(`Repository ${String(idValue(b.repositoryId))} not found`);
            const cloneType = b.cloneType as CloneType;
            if (!CLONE_TYPES.includes(cloneType)) throw refused(`invalid clone type ${String(b.cloneType)}`);
            if (cloneType === 'THIN_CLONE' && repo.fileSystemType !== 'OCFS2')
              throw refused(`THIN_CLONE needs an OCFS2 repository: ${repo.name} is not`);
            made = {
              ...base(
                'VmCloneStorageMapping',
                newId('VmCloneStorageMapping'),
                typeof b.name === 'string' ? b.name : '',
              ),
              vmCloneDefinitionId: def.id,
              vmDiskMappingId: mapping.id,
              repositoryId: repo.id,
              storageArrayId: null,
              cloneType,
            };
            this.store.put(made);
            def.vmCloneStorageMappingIds.push(made.id);
          },
        },
      ],
      result: () => made?.id ?? null,
    };
  }

  /**
   * `DELETE /Vm/{vmId}/VmCloneDefinition/{id}` (go-ovm-helper `VmcdService.Delete`): the customizer and its storage
   * mappings go (S. Coter's HotCloneVm.sh deletes only the customizer, `delete VmCloneCustomizer`).
   */
  deleteDefinition(vm: VmObj, def: VmCloneDefinitionObj): JobPlan {
    return {
      name: `Delete Vm Clone Definition: ${def.name}`,
      steps: [
        {
          message: `Deleting clone customizer ${def.name}`,
          run: () => this.store.removeCloneDefinition(vm, def),
        },
      ],
      result: () => null,
    };
  }

  /** `DELETE /VmCloneDefinition/{id}/VmCloneStorageMapping/{id}` (go-ovm-helper `VmcsmService.Delete`). */
  deleteStorageMapping(def: VmCloneDefinitionObj, m: VmCloneStorageMappingObj): JobPlan {
    return {
      name: `Delete Vm Clone Storage Mapping: ${m.name}`,
      steps: [
        {
          message: `Deleting storage mapping ${m.name}`,
          run: () => {
            def.vmCloneStorageMappingIds = def.vmCloneStorageMappingIds.filter((r) => r.value !== m.id.value);
            this.store.remove(m.id);
          },
        },
      ],
      result: () => null,
    };
  }
}
