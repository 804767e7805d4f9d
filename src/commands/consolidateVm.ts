// Consolidate the disks of VMs that need it (offered where canConsolidate: declared, and the VM says it needs it).
import { CommandContext } from '../ui/commandContext';
import { jobPerNode } from '../ui/jobPerNode';
import { pickVms, selection, withToken } from '../ui/pickers';
import { VmNode } from '../views/nodes';

export async function consolidateVm(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  const token = withToken('canConsolidate');
  let vms = selection<VmNode>('vm', node, selected).filter(token);
  if (!vms.length) vms = await pickVms(ctx, 'Consolidate the disks of', token);
  await jobPerNode(
    ctx,
    vms,
    'consolidate',
    'consolidate',
    (n) => `Consolidate the disks of ${n.vm.name}`,
    (consolidate, n, job) => consolidate(n.vm.id, job),
  );
}
