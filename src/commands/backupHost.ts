// Host backup (control-domain backup) of a host.
import { CommandContext } from '../ui/commandContext';
import { pickHost } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { HostNode, isNode } from '../views/nodes';

export async function backupHost(ctx: CommandContext, node?: HostNode): Promise<void> {
  const n = isNode(node, 'host') ? node : await pickHost(ctx);
  const repository = requireRepository(ctx, n.connection);
  const provider = await ctx.connections.provider(n.connection);
  await runJob(
    ctx,
    {
      title: `Back up host ${n.host.name}`,
      kind: 'backup-host',
      context: errorContext(n),
      hostKey: hostKey(n),
      targets: [n.host.id],
      refresh: ['backups'],
    },
    (job) => provider.backupHost(n.host.id, { repository }, job),
  );
}
