// Delete a snapshot and every snapshot below it (offered where canDeleteWithChildren: declared, it has children).
import { CommandContext } from '../ui/commandContext';
import { SnapshotNode } from '../views/nodes';
import { deleteSnapshots } from './deleteSnapshot';

export function deleteSnapshotWithChildren(
  ctx: CommandContext,
  node?: SnapshotNode,
  selected?: SnapshotNode[],
): Promise<void> {
  return deleteSnapshots(ctx, node, selected, 'canDeleteWithChildren', { withChildren: true });
}
