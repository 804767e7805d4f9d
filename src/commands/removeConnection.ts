// Remove a connection from connections.yaml and its password from SecretStorage.
import { CommandContext } from '../ui/commandContext';
import { confirm, pickConnection } from '../ui/pickers';
import { ConnectionNode, isNode } from '../views/nodes';

export async function removeConnection(ctx: CommandContext, node?: ConnectionNode): Promise<void> {
  const name = isNode(node, 'connection') ? node.connection : await pickConnection(ctx, 'Remove connection');
  await confirm(
    `Remove connection "${name}"?`,
    'It is removed from .vmbackup/connections.yaml and its password from SecretStorage. Backups stay on disk.',
    'Remove',
  );
  await ctx.connections.remove(name);
  ctx.log.info(`connection "${name}" removed`);
  ctx.trees.infrastructure.refresh();
  ctx.trees.backups.refresh();
}
