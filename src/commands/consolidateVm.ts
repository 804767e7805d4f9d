// Consolidate the disks of VMs that need it (offered where canConsolidate: declared, and the VM says it needs it).
import { operation } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { pickVms, selection, withToken } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { VmNode } from '../views/nodes';

export async function consolidateVm(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  const token = withToken('canConsolidate');
  let vms = selection<VmNode>('vm', node, selected).filter(token);
  if (!vms.length) vms = await pickVms(ctx, 'Consolidate the disks of', token);
  await Promise.all(
    vms.map(async (n) => {
      const consolidate = operation(await ctx.connections.provider(n.connection), 'consolidate');
      return runJob(
        ctx,
        {
          title: `Consolidate the disks of ${n.vm.name}`,
          kind: 'consolidate',
          context: errorContext(n),
          hostKey: hostKey(n),
          targets: [n.vm.id],
          refresh: ['infrastructure'],
        },
        (job) => consolidate(n.vm.id, job),
      );
    }),
  );
}
