// Reset the power state of VMs left Suspended without their suspend disk (e.g. after a pool metadata restore).
import { CommandContext } from '../ui/commandContext';
import { jobPerNode } from '../ui/jobPerNode';
import { confirm, pickVms, selection, withToken } from '../ui/pickers';
import { VmNode } from '../views/nodes';

export async function resetPowerState(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  const token = withToken('canResetPowerState');
  let vms = selection<VmNode>('vm', node, selected).filter(token);
  if (!vms.length) vms = await pickVms(ctx, 'Reset power state of VMs whose suspend disk is missing', token);
  await confirm(
    `Reset the power state of ${vms.map((n) => `"${n.vm.name}"`).join(', ')} to Halted?`,
    'Their suspend disk is missing, so the suspended memory state cannot be resumed and is discarded.',
    'Reset',
  );
  await jobPerNode(
    ctx,
    vms,
    'resetPowerState',
    'reset-power-state',
    (n) => `Reset power state of ${n.vm.name}`,
    (reset, n, job) => reset(n.vm.id, job),
  );
}
