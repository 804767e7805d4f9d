// Full backup of one or more VMs into the connection's repository (offered where canBackup).
import { CommandContext } from '../ui/commandContext';
import { jobPerNode } from '../ui/jobPerNode';
import { pickVms, selection, withToken } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { VmNode } from '../views/nodes';

export async function backupVm(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  let vms = selection<VmNode>('vm', node, selected).filter(withToken('canBackup'));
  if (!vms.length) vms = await pickVms(ctx, 'Back up VMs', withToken('canBackup'));
  const repositories = new Map(vms.map((n) => [n.connection, requireRepository(ctx, n.connection)]));
  await jobPerNode(
    ctx,
    vms,
    'backupVm',
    'backup-vm',
    (n) => `Back up ${n.vm.name}`,
    (backup, n, job) => backup(n.vm.id, { repository: repositories.get(n.connection)!, compress: true }, job),
    ['backups'],
  );
}
