// Refresh a node (or its error node's parent: "retry"), or every tree from the view title.
import { CommandContext } from '../ui/commandContext';
import { BackupNode, InfraNode } from '../views/nodes';

const INFRA = new Set(['connection', 'container', 'vm', 'snapshot']);

export async function refresh(ctx: CommandContext, node?: InfraNode | BackupNode): Promise<void> {
  if (node && (INFRA.has(node.kind) || (node.kind === 'error' && node.parent && INFRA.has(node.parent.kind)))) {
    ctx.trees.infrastructure.refresh(node as InfraNode);
    return;
  }
  if (node && node.kind === 'error' && !node.parent && node.key.startsWith('err:')) ctx.connections.reload();
  ctx.trees.infrastructure.refresh();
  ctx.trees.backups.refresh();
  ctx.trees.jobs.refresh();
}
