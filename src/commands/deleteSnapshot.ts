// Delete one or more snapshots, after a modal confirmation.
import { CommandContext } from '../ui/commandContext';
import { confirm, pickSnapshots, selection } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { SnapshotNode } from '../views/nodes';

export async function deleteSnapshot(
  ctx: CommandContext,
  node?: SnapshotNode,
  selected?: SnapshotNode[],
): Promise<void> {
  let list = selection<SnapshotNode>('snapshot', node, selected);
  if (!list.length) list = await pickSnapshots(ctx, 'Delete', true);
  const names = list.map((n) => `"${n.snapshot.name}" (${n.vm.name})`).join(', ');
  await confirm(
    list.length === 1 ? `Delete snapshot ${names}?` : `Delete ${list.length} snapshots?`,
    `${names}\n\nThis cannot be undone.`,
    'Delete',
  );
  await Promise.all(
    list.map(async (n) => {
      const provider = await ctx.connections.provider(n.connection);
      return runJob(
        ctx,
        {
          title: `Delete snapshot ${n.snapshot.name} of ${n.vm.name}`,
          kind: 'delete-snapshot',
          context: errorContext(n),
          hostKey: hostKey(n),
          targets: [n.snapshot.id],
          refresh: ['infrastructure'],
        },
        (job) => provider.deleteSnapshot(n.snapshot.id, job),
      );
    }),
  );
}
