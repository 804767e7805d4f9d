// Pool metadata (pool database dump) backup.
import { CommandContext } from '../ui/commandContext';
import { pickPool } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { PoolNode, isNode } from '../views/nodes';

export async function backupPoolMetadata(ctx: CommandContext, node?: PoolNode): Promise<void> {
  const n = isNode(node, 'pool') ? node : await pickPool(ctx);
  const repository = requireRepository(ctx, n.connection);
  const provider = await ctx.connections.provider(n.connection);
  await runJob(
    ctx,
    {
      title: `Back up pool metadata of ${n.pool.name}`,
      kind: 'backup-pool-metadata',
      context: errorContext(n),
      hostKey: hostKey(n),
      targets: [n.pool.id],
      refresh: ['backups'],
    },
    (job) => provider.backupPoolMetadata({ repository }, job),
  );
}
