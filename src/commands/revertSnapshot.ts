// Revert a VM to a snapshot, after a modal confirmation. A running VM reverted to a disk-only snapshot comes back
// halted (xapi_vm_snapshot.ml `revert` resets the VM to the snapshot's power state; vSphere powers it off): the
// confirmation says so, and the result offers to start it.
import * as vscode from 'vscode';
import { SnapshotInfo, VmInfo } from '../core/model';
import { operation } from '../core/provider';
import { escapeControlChars as esc } from '../core/controlChars';
import { CommandContext } from '../ui/commandContext';
import { dateText } from '../ui/format';
import { confirm, pickSnapshots } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { SnapshotNode, isNode } from '../views/nodes';

/** The button of the result that starts the VM a revert left halted. */
export const START_VM_ACTION = 'Start VM';

/** A revert that leaves the VM halted: it runs now and the snapshot holds no memory. */
export const leavesHalted = (vm: VmInfo, s: SnapshotInfo) => vm.powerState === 'running' && s.withMemory === false;

export async function revertSnapshot(ctx: CommandContext, node?: SnapshotNode): Promise<void> {
  const n = isNode(node, 'snapshot') ? node : (await pickSnapshots(ctx, 'Revert', false, 'canRevert'))[0];
  const halts = leavesHalted(n.vm, n.snapshot);
  await confirm(
    `Revert "${n.vm.name}" to snapshot "${n.snapshot.name}"?`,
    `The VM's current disks and state since ${dateText(n.snapshot.time)} are lost unless you snapshot it first.` +
      (halts
        ? `\n\n"${n.vm.name}" is running and this snapshot holds no memory (disk only): after the revert the VM is halted. You will be offered to start it.`
        : ''),
    'Revert',
  );
  const provider = await ctx.connections.provider(n.connection);
  const revert = operation(provider, 'revert');
  const spec = {
    context: errorContext(n),
    hostKey: hostKey(n),
    refresh: ['infrastructure' as const],
  };
  const done = await runJob(
    ctx,
    {
      ...spec,
      title: `Revert ${n.vm.name} to ${n.snapshot.name}`,
      kind: 'revert',
      targets: [n.vm.id, n.snapshot.id],
      announce: !halts,
    },
    async (job) => {
      await revert(n.snapshot.id, job);
      return true;
    },
  );
  if (!done || !halts) return;
  const pick = await vscode.window.showInformationMessage(
    esc(`Reverted "${n.vm.name}" to "${n.snapshot.name}": the VM is halted (the snapshot holds no memory).`),
    ...(typeof provider.startVm === 'function' ? [START_VM_ACTION] : []),
  );
  if (pick !== START_VM_ACTION) return;
  const start = operation(provider, 'startVm');
  await runJob(ctx, { ...spec, title: `Start ${n.vm.name}`, kind: 'start', targets: [n.vm.id] }, (job) =>
    start(n.vm.id, job),
  );
}
