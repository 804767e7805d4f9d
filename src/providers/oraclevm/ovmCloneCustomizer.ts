// A backup's clone customizer (REST type VmCloneDefinition, the CLI's VmCloneCustomizer): made on the VM with one
// storage mapping per virtual disk (where its copy goes and with which clone type), used by the clone, then deleted.
// Route: Oracle VM Concepts Guide §7.6 (a clone customizer deploys the clone to another repository; a hot clone only
// with a clone type from the customizer); public backup scripts (S. Coter's HotCloneVm.sh, an OVM 3.4 ovm-backup.sh
// log at pastebin.com/59AiZbNn) do `create VmCloneCustomizer` → `create VmCloneStorageMapping cloneType=THIN_CLONE …`
// → `clone Vm … cloneCustomizer=` → `delete VmCloneCustomizer`. REST shapes: go-ovm-helper `ovmhelper/vmcd.go`,
// `ovmHelper/vmcsm.go`, `ovmHelper/vmcsmType.go`; dbgeek/terraform-provider-ovm `ovm/resource_ovm_vmcd.go`,
// `ovm/resource_ovm_vmcsm.go`.
import { FollowOptions, OvmClient, idSegment } from './ovmClient';
import { OvmCloneDefinition, OvmVm, listOf, parseCloneDefinition } from './ovmRecords';
import { about } from './ovmVmActions';

/** CLI reference A.54 `create VmCloneStorageMapping cloneType=`: how one disk is cloned. */
export type OvmCloneType = 'THIN_CLONE' | 'SPARSE_COPY' | 'NON_SPARSE_COPY';

/** One virtual disk of the VM in the customizer: its VmDiskMapping and the repository its copy goes into. */
export interface CustomizerDisk {
  /** The VM's VmDiskMapping id (`vmDiskMappingId`). */
  mappingId: string;
  repositoryId: string;
}

/** The REST type of a SimpleId in a request body (`com.oracle.ovm.mgr.ws.model.<Type>`, as terraform-provider-ovm sends). */
const ref = (type: string, value: string) => ({ type: `com.oracle.ovm.mgr.ws.model.${type}`, value });

/**
 * The name of a job's customizer: `vmbackup-<journal marker>`. The marker is in the journal entry before the customizer
 * is asked for, so Clean Up finds it by name after a kill (findCloneCustomizers). No VM name in it: nothing hostile.
 */
export function customizerName(marker: string): string {
  return `vmbackup-${marker}`;
}

/**
 * Makes the customizer: `POST Vm/{id}/VmCloneDefinition` with `{vmId, name, description}` (go-ovm-helper
 * `VmcdService.Create`; the Manager's job `resultId` is the customizer), then for each disk `POST
 * VmCloneDefinition/{id}/VmCloneStorageMapping` with `{vmDiskMappingId, vmCloneDefinitionId, repositoryId, cloneType,
 * name}` (`VmcsmService.Create`), each job followed to its end. Returns the customizer's id. A failure leaves what was
 * made: the caller deletes the customizer it named (deleteCloneCustomizer, or Clean Up through findCloneCustomizers).
 * Errors: the Manager's job error verbatim (VendorError) naming connection, host and VM.
 */
export async function createCloneCustomizer(
  c: OvmClient,
  vm: OvmVm,
  name: string,
  cloneType: OvmCloneType,
  disks: CustomizerDisk[],
  f: FollowOptions = {},
): Promise<string> {
  const job = await c.write(
    'POST',
    `Vm/${idSegment(vm.id.value)}/VmCloneDefinition`,
    undefined,
    { vmId: ref('Vm', vm.id.value), name, description: `vmbackup: ${cloneType} clone for a backup` },
    f.signal,
  );
  const done = await c.followJob(job, about(vm, f));
  if (!done.resultId)
    throw new Error(`clone customizer of VM "${vm.name}": the Manager's job succeeded without a resultId`);
  const id = done.resultId.value;
  for (const [i, d] of disks.entries()) {
    const mapping = await c.write(
      'POST',
      `VmCloneDefinition/${idSegment(id)}/VmCloneStorageMapping`,
      undefined,
      {
        vmDiskMappingId: ref('VmDiskMapping', d.mappingId),
        vmCloneDefinitionId: ref('VmCloneDefinition', id),
        repositoryId: ref('Repository', d.repositoryId),
        cloneType,
        name: `${name}-disk${i}`,
      },
      f.signal,
    );
    await c.followJob(mapping, about(vm, f));
  }
  return id;
}

/**
 * `DELETE Vm/{vmId}/VmCloneDefinition/{id}` (go-ovm-helper `VmcdService.Delete`), followed: the customizer goes with
 * its storage mappings (the scripts above delete only the customizer).
 */
export async function deleteCloneCustomizer(
  c: OvmClient,
  vmId: string,
  id: string,
  f: FollowOptions = {},
): Promise<void> {
  await c.followJob(
    await c.write('DELETE', `Vm/${idSegment(vmId)}/VmCloneDefinition/${idSegment(id)}`, undefined, undefined, f.signal),
    f,
  );
}

/**
 * The customizers named for a job's marker (customizerName) on the VM `vmId`: `GET VmCloneDefinition` (fog-oracle
 * `list_vm_clone_definitions.rb`), matched by exact name and owning VM, so nothing another job or a user made.
 */
export async function findCloneCustomizers(
  c: OvmClient,
  marker: string,
  vmId: string,
  signal?: AbortSignal,
): Promise<OvmCloneDefinition[]> {
  const all = listOf(await c.get('VmCloneDefinition', signal), 'VmCloneDefinition list', parseCloneDefinition);
  return all.filter((d) => d.name === customizerName(marker) && d.vmId?.value === vmId);
}
