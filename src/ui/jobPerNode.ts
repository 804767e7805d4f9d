// One job per VM or snapshot node, all started at once, each calling an operation of the node's provider.
import { JobContext } from '../core/job';
import { OptionalOperation, Provider, operation } from '../core/provider';
import { VmNode, SnapshotNode } from '../views/nodes';
import { CommandContext } from './commandContext';
import { runJob } from './runJob';
import { errorContext, hostKey } from './targets';

/**
 * For each node: its provider's `op` (NOT_OFFERED when the platform lacks it), run as a job titled `title(node)` of
 * `kind`, with a spinner on the snapshot (snapshot nodes) or the VM, refreshing the Infrastructure tree (and `also`).
 * Resolves when every job has ended (undefined for those that failed or were cancelled).
 */
export function jobPerNode<N extends VmNode | SnapshotNode, K extends OptionalOperation, T>(
  ctx: CommandContext,
  nodes: N[],
  op: K,
  kind: string,
  title: (n: N) => string,
  call: (fn: NonNullable<Provider[K]>, n: N, job: JobContext) => Promise<T>,
  also: Array<'backups'> = [],
): Promise<Array<T | undefined>> {
  return Promise.all(
    nodes.map(async (n) => {
      const fn = operation(await ctx.connections.provider(n.connection), op);
      return runJob(
        ctx,
        {
          title: title(n),
          kind,
          context: errorContext(n),
          hostKey: hostKey(n),
          targets: [n.kind === 'snapshot' ? n.snapshot.id : n.vm.id],
          refresh: [...also, 'infrastructure'],
        },
        (job) => call(fn, n, job),
      );
    }),
  );
}
