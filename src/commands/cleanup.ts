// Remove temporary snapshots this tool left behind on a connection.
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { pickConnection } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { ConnectionNode, isNode } from '../views/nodes';

export async function cleanup(ctx: CommandContext, node?: ConnectionNode): Promise<void> {
  const connection = isNode(node, 'connection') ? node.connection : await pickConnection(ctx, 'Clean up temporary snapshots on');
  const provider = await ctx.connections.provider(connection);
  const removed = await runJob(ctx, { title: `Clean up temporary snapshots on "${connection}"`, kind: 'cleanup', context: { connection }, hostKey: `${connection}/cleanup`, targets: [`c:${connection}`], refresh: ['infrastructure'] },
    (job) => provider.cleanup(job));
  if (removed) void vscode.window.showInformationMessage(removed.length ? `Removed ${removed.length} temporary snapshot(s) on "${connection}": ${removed.join(', ')}` : `No temporary snapshots left behind on "${connection}".`);
}
