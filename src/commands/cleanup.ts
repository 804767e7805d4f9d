// Remove what this tool left behind on a connection: only what the repository's journal names and the pool confirms.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { cleanupSummary } from '../core/cleanupReport';
import { CommandContext } from '../ui/commandContext';
import { pickConnection } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { runJob } from '../ui/runJob';
import { ConnectionNode, isNode } from '../views/nodes';

export async function cleanup(ctx: CommandContext, node?: ConnectionNode): Promise<void> {
  const connection = isNode(node, 'connection')
    ? node.connection
    : await pickConnection(ctx, 'Clean up temporary snapshots on');
  const repository = requireRepository(ctx, connection);
  const provider = await ctx.connections.provider(connection);
  const items = await runJob(
    ctx,
    {
      title: `Clean up temporary snapshots on "${connection}"`,
      kind: 'cleanup',
      context: { connection },
      hostKey: `${connection}/cleanup`,
      targets: [`c:${connection}`],
      refresh: ['infrastructure'],
      announce: false, // cleanupSummary below
    },
    (job) => provider.cleanup({ repository }, job),
  );
  if (items) void vscode.window.showInformationMessage(esc(cleanupSummary(items, connection)));
}
