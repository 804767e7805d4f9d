// VM actions through the Manager, each a Manager job followed to its end: start, stop, cold clone into a repository.
import { FollowOptions, OvmClient, idSegment } from './ovmClient';
import { OvmJob, OvmVm, SimpleId } from './ovmRecords';

export interface CloneOptions {
  serverPoolId: string;
  /** Where the clone's disks and vm.cfg go (a backup repository); the VM's own repository without. */
  repositoryId?: string;
  createTemplate?: boolean;
  /** The clone customizer (VmCloneDefinition) that says where each disk goes and how (ovmCloneCustomizer.ts). */
  vmCloneDefinitionId?: string;
  /** Told the Manager's job as soon as the clone was asked for, before it is followed (the journal records it). */
  submitted?: (job: OvmJob) => Promise<void>;
}

/** Follow options with the VM named in any error. */
export function about(vm: OvmVm, f: FollowOptions): FollowOptions {
  return { ...f, context: { vm: vm.name, ...f.context } };
}

/** `PUT Vm/{id}/start` (python-ovmclient VmManager.start), followed. */
export async function startVm(c: OvmClient, vm: OvmVm, f: FollowOptions = {}): Promise<void> {
  await c.followJob(
    await c.write('PUT', `Vm/${idSegment(vm.id.value)}/start`, undefined, undefined, f.signal),
    about(vm, f),
  );
}

/** `PUT Vm/{id}/stop` (a clean shutdown), followed. */
export async function stopVm(c: OvmClient, vm: OvmVm, f: FollowOptions = {}): Promise<void> {
  await c.followJob(
    await c.write('PUT', `Vm/${idSegment(vm.id.value)}/stop`, undefined, undefined, f.signal),
    about(vm, f),
  );
}

/**
 * `PUT Vm/{id}/clone?serverPoolId=&repositoryId=&createTemplate=[&vmCloneDefinitionId=]` (python-ovmclient
 * VmManager.clone; go-ovm-helper `VMService.CloneVM`; Court Campbell's ansible-ovm `ovm_clone.py`). Without a clone
 * customizer the VM must be STOPPED; a RUNNING VM only through a customizer on OCFS2 (Concepts Guide §7.6). A refusal
 * is the Manager's job error (OVMRU_005002E …) raised verbatim as a VendorError naming connection, host and VM.
 * Returns the new VM's id (the job's `resultId`).
 */
export async function cloneVm(c: OvmClient, vm: OvmVm, o: CloneOptions, f: FollowOptions = {}): Promise<SimpleId> {
  const query: Record<string, string | boolean> = {
    serverPoolId: o.serverPoolId,
    createTemplate: o.createTemplate ?? false,
  };
  if (o.repositoryId) query.repositoryId = o.repositoryId;
  if (o.vmCloneDefinitionId) query.vmCloneDefinitionId = o.vmCloneDefinitionId;
  const job = await c.write('PUT', `Vm/${idSegment(vm.id.value)}/clone`, query, undefined, f.signal);
  await o.submitted?.(job);
  const done = await c.followJob(job, about(vm, f));
  if (!done.resultId) throw new Error(`clone of VM "${vm.name}": the Manager's job succeeded without a resultId`);
  return done.resultId;
}

/**
 * `DELETE Vm/{id}` (python-ovmclient BaseManager.delete), followed. Whether the Manager deletes the VM's disks with it
 * is not documented: callers delete the disks they own themselves (deleteVirtualDisk).
 */
export async function deleteVm(c: OvmClient, vm: OvmVm, f: FollowOptions = {}): Promise<void> {
  await c.followJob(
    await c.write('DELETE', `Vm/${idSegment(vm.id.value)}`, undefined, undefined, f.signal),
    about(vm, f),
  );
}

/** `DELETE Repository/{repositoryId}/VirtualDisk/{id}` (python-ovmclient VirtualDiskManager(repository_id).delete), followed. */
export async function deleteVirtualDisk(
  c: OvmClient,
  repositoryId: string,
  diskId: string,
  f: FollowOptions = {},
): Promise<void> {
  await c.followJob(
    await c.write(
      'DELETE',
      `Repository/${idSegment(repositoryId)}/VirtualDisk/${idSegment(diskId)}`,
      undefined,
      undefined,
      f.signal,
    ),
    f,
  );
}
