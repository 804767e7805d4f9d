// Delete one or more snapshots (their children stay), after a modal confirmation.
import { DeleteSnapshotOptions } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { confirm, pickSnapshots, selection } from '../ui/pickers';
import { jobPerNode } from '../ui/jobPerNode';
import { hasToken, snapshotTokens } from '../views/contextTokens';
import { SnapshotNode } from '../views/nodes';

/** Deletes the selected snapshots whose tokens have `token` (else picked ones), with `opts`, after a confirmation. */
export async function deleteSnapshots(
  ctx: CommandContext,
  node: SnapshotNode | undefined,
  selected: SnapshotNode[] | undefined,
  token: string,
  opts: DeleteSnapshotOptions,
): Promise<void> {
  const applies = (n: SnapshotNode) => hasToken(snapshotTokens(n.snapshot, n.all, n.caps), token);
  let list = selection<SnapshotNode>('snapshot', node, selected).filter(applies);
  if (!list.length) list = await pickSnapshots(ctx, 'Delete', true, token);
  const names = list.map((n) => `"${n.snapshot.name}" (${n.vm.name})`).join(', ');
  const children = opts.withChildren ? ' and its children' : '';
  await confirm(
    list.length === 1 ? `Delete snapshot ${names}${children}?` : `Delete ${list.length} snapshots${children}?`,
    `${names}\n\nThis cannot be undone.`,
    'Delete',
  );
  await jobPerNode(
    ctx,
    list,
    'deleteSnapshot',
    'delete-snapshot',
    (n) => `Delete snapshot ${n.snapshot.name}${children} of ${n.vm.name}`,
    (remove, n, job) => remove(n.snapshot.id, job, opts),
  );
}

export function deleteSnapshot(ctx: CommandContext, node?: SnapshotNode, selected?: SnapshotNode[]): Promise<void> {
  return deleteSnapshots(ctx, node, selected, 'canDelete', {});
}
