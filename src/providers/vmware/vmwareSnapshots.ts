// VM snapshot operations (vSphere API reference: VirtualMachine.CreateSnapshot_Task, RemoveAllSnapshots_Task,
// ConsolidateVMDisks_Task; VirtualMachineSnapshot.RevertToSnapshot_Task, RemoveSnapshot_Task, RenameSnapshot).
// Each long one runs as a vSphere Task (vimTasks.ts: progress, AbortSignal → CancelTask).
import { VimClient } from './vimClient';
import { TaskWaitOptions, runTask } from './vimTasks';
import { el, morEl } from './vimSoap';
import { MoRef, asMoRef } from './vimValue';

const vmRef = (id: string): MoRef => ({ type: 'VirtualMachine', value: id });
const snapRef = (id: string): MoRef => ({ type: 'VirtualMachineSnapshot', value: id });

export interface CreateSnapshotOptions {
  name: string;
  description?: string;
  /** Include the running VM's memory (only meaningful for a powered-on VM). */
  memory: boolean;
  /** Quiesce the guest file systems through VMware Tools (needs Tools running). */
  quiesce: boolean;
}

/** CreateSnapshot_Task; returns the new snapshot's moref value. */
export async function createSnapshot(
  client: VimClient,
  vmId: string,
  o: CreateSnapshotOptions,
  wait: TaskWaitOptions = {},
): Promise<string> {
  const args =
    el('name', o.name) + el('description', o.description ?? '') + el('memory', o.memory) + el('quiesce', o.quiesce);
  return asMoRef(await runTask(client, 'CreateSnapshot_Task', vmRef(vmId), args, wait), 'CreateSnapshot_Task result')
    .value;
}

/** RevertToSnapshot_Task; `suppressPowerOn` keeps the VM off even if the snapshot was taken with memory. */
export async function revertToSnapshot(
  client: VimClient,
  snapshotId: string,
  o: { suppressPowerOn?: boolean; host?: string } = {},
  wait: TaskWaitOptions = {},
): Promise<void> {
  const args =
    (o.host ? morEl('host', { type: 'HostSystem', value: o.host }) : '') + el('suppressPowerOn', o.suppressPowerOn);
  await runTask(client, 'RevertToSnapshot_Task', snapRef(snapshotId), args, wait);
}

/** RemoveSnapshot_Task: with `removeChildren` its whole subtree; `consolidate` (default true) merges the disks. */
export async function removeSnapshot(
  client: VimClient,
  snapshotId: string,
  o: { removeChildren: boolean; consolidate?: boolean },
  wait: TaskWaitOptions = {},
): Promise<void> {
  await runTask(
    client,
    'RemoveSnapshot_Task',
    snapRef(snapshotId),
    el('removeChildren', o.removeChildren) + el('consolidate', o.consolidate),
    wait,
  );
}

/** RemoveAllSnapshots_Task on a VM. */
export async function removeAllSnapshots(
  client: VimClient,
  vmId: string,
  o: { consolidate?: boolean } = {},
  wait: TaskWaitOptions = {},
): Promise<void> {
  await runTask(client, 'RemoveAllSnapshots_Task', vmRef(vmId), el('consolidate', o.consolidate), wait);
}

/** RenameSnapshot (synchronous): a new name and/or description. */
export async function renameSnapshot(
  client: VimClient,
  snapshotId: string,
  o: { name?: string; description?: string },
  signal?: AbortSignal,
): Promise<void> {
  await client.invoke(
    'RenameSnapshot',
    snapRef(snapshotId),
    el('name', o.name) + el('description', o.description),
    signal,
  );
}

/** ConsolidateVMDisks_Task: merges redundant delta disks (offered when runtime.consolidationNeeded). */
export async function consolidateDisks(client: VimClient, vmId: string, wait: TaskWaitOptions = {}): Promise<void> {
  await runTask(client, 'ConsolidateVMDisks_Task', vmRef(vmId), '', wait);
}

/** PowerOnVM_Task / PowerOffVM_Task (InvalidPowerState when already in that state). */
export async function setPower(
  client: VimClient,
  vmId: string,
  on: boolean,
  wait: TaskWaitOptions = {},
): Promise<void> {
  await runTask(client, on ? 'PowerOnVM_Task' : 'PowerOffVM_Task', vmRef(vmId), '', wait);
}
