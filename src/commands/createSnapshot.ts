// Snapshot one or more VMs (right-click with multi-select, or palette picker).
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { CommandContext } from '../ui/commandContext';
import { pickVms, selection } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { VmNode } from '../views/nodes';

export async function createSnapshot(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  let vms = selection<VmNode>('vm', node, selected);
  if (!vms.length) vms = await pickVms(ctx, 'Snapshot VMs');
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const name = await vscode.window.showInputBox({
    title: 'Snapshot name',
    value: vms.length === 1 ? `${vms[0].vm.name} ${stamp}` : `snapshot ${stamp}`,
    ignoreFocusOut: true,
  });
  if (!name) throw new CancelledError();
  await Promise.all(
    vms.map(async (n) => {
      const provider = await ctx.connections.provider(n.connection);
      return runJob(
        ctx,
        {
          title: `Snapshot ${n.vm.name}`,
          kind: 'snapshot',
          context: errorContext(n),
          hostKey: hostKey(n),
          targets: [n.vm.id],
          refresh: ['infrastructure'],
        },
        (job) => provider.snapshot(n.vm.id, { name }, job),
      );
    }),
  );
}
