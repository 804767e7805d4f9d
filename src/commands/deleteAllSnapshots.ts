// Delete every snapshot of one or more VMs (offered where canDeleteAllSnapshots), after a modal confirmation.
import { CommandContext } from '../ui/commandContext';
import { jobPerNode } from '../ui/jobPerNode';
import { confirm, pickVms, selection, withToken } from '../ui/pickers';
import { VmNode } from '../views/nodes';

export async function deleteAllSnapshots(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  const token = withToken('canDeleteAllSnapshots');
  let vms = selection<VmNode>('vm', node, selected).filter(token);
  if (!vms.length) vms = await pickVms(ctx, 'Delete all snapshots of', token);
  await confirm(
    `Delete all snapshots of ${vms.map((n) => `"${n.vm.name}"`).join(', ')}?`,
    'Every snapshot is removed and its disks are merged into the VM. This cannot be undone.',
    'Delete All',
  );
  await jobPerNode(
    ctx,
    vms,
    'removeAllSnapshots',
    'delete-all-snapshots',
    (n) => `Delete all snapshots of ${n.vm.name}`,
    (removeAll, n, job) => removeAll(n.vm.id, job),
  );
}
