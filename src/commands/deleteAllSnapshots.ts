// Delete every snapshot of one or more VMs (offered where canDeleteAllSnapshots), after a modal confirmation.
import { operation } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { confirm, pickVms, selection, withToken } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { VmNode } from '../views/nodes';

export async function deleteAllSnapshots(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  const token = withToken('canDeleteAllSnapshots');
  let vms = selection<VmNode>('vm', node, selected).filter(token);
  if (!vms.length) vms = await pickVms(ctx, 'Delete all snapshots of', token);
  const names = vms.map((n) => `"${n.vm.name}"`).join(', ');
  await confirm(
    `Delete all snapshots of ${names}?`,
    'Every snapshot is removed and its disks are merged into the VM. This cannot be undone.',
    'Delete All',
  );
  await Promise.all(
    vms.map(async (n) => {
      const removeAll = operation(await ctx.connections.provider(n.connection), 'removeAllSnapshots');
      return runJob(
        ctx,
        {
          title: `Delete all snapshots of ${n.vm.name}`,
          kind: 'delete-all-snapshots',
          context: errorContext(n),
          hostKey: hostKey(n),
          targets: [n.vm.id],
          refresh: ['infrastructure'],
        },
        (job) => removeAll(n.vm.id, job),
      );
    }),
  );
}
