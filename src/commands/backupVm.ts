// Full backup of one or more VMs into the connection's repository (offered where canBackup).
import { operation } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { pickVms, selection, withToken } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { VmNode } from '../views/nodes';

export async function backupVm(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  let vms = selection<VmNode>('vm', node, selected).filter(withToken('canBackup'));
  if (!vms.length) vms = await pickVms(ctx, 'Back up VMs', withToken('canBackup'));
  await Promise.all(
    vms.map(async (n) => {
      const repository = requireRepository(ctx, n.connection);
      const backup = operation(await ctx.connections.provider(n.connection), 'backupVm');
      return runJob(
        ctx,
        {
          title: `Back up ${n.vm.name}`,
          kind: 'backup-vm',
          context: errorContext(n),
          hostKey: hostKey(n),
          targets: [n.vm.id],
          refresh: ['backups', 'infrastructure'],
        },
        (job) => backup(n.vm.id, { repository, compress: true }, job),
      );
    }),
  );
}
