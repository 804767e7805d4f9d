// Revert a VM to a snapshot, after a modal confirmation.
import { operation } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { confirm, pickSnapshots } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { SnapshotNode, isNode } from '../views/nodes';

export async function revertSnapshot(ctx: CommandContext, node?: SnapshotNode): Promise<void> {
  const n = isNode(node, 'snapshot') ? node : (await pickSnapshots(ctx, 'Revert', false, 'canRevert'))[0];
  await confirm(
    `Revert "${n.vm.name}" to snapshot "${n.snapshot.name}"?`,
    `The VM's current disks and state since ${n.snapshot.time.toLocaleString()} are lost unless you snapshot it first.`,
    'Revert',
  );
  const revert = operation(await ctx.connections.provider(n.connection), 'revert');
  await runJob(
    ctx,
    {
      title: `Revert ${n.vm.name} to ${n.snapshot.name}`,
      kind: 'revert',
      context: errorContext(n),
      hostKey: hostKey(n),
      targets: [n.vm.id, n.snapshot.id],
      refresh: ['infrastructure'],
    },
    (job) => revert(n.snapshot.id, job),
  );
}
