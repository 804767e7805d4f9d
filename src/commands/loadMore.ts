// "Load more…" on a long level.
import { CommandContext } from '../ui/commandContext';
import { LoadMoreNode, isNode } from '../views/nodes';

export async function loadMore(ctx: CommandContext, node?: LoadMoreNode): Promise<void> {
  if (!isNode(node, 'loadMore')) return;
  if (node.tree === 'backups') ctx.trees.backups.loadMore(node);
  else ctx.trees.infrastructure.loadMore(node);
}
