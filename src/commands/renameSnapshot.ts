// Rename a snapshot (offered where canRename).
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { operation } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { pickSnapshots } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { errorContext, hostKey } from '../ui/targets';
import { SnapshotNode, isNode } from '../views/nodes';

export async function renameSnapshot(ctx: CommandContext, node?: SnapshotNode): Promise<void> {
  const n = isNode(node, 'snapshot') ? node : (await pickSnapshots(ctx, 'Rename', false, 'canRename'))[0];
  const name = await vscode.window.showInputBox({
    title: `Rename snapshot "${n.snapshot.name}" of ${n.vm.name}`,
    value: n.snapshot.name,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Required'),
  });
  if (!name?.trim()) throw new CancelledError();
  const rename = operation(await ctx.connections.provider(n.connection), 'renameSnapshot');
  await runJob(
    ctx,
    {
      title: `Rename snapshot ${n.snapshot.name} of ${n.vm.name}`,
      kind: 'rename-snapshot',
      context: errorContext(n),
      hostKey: hostKey(n),
      targets: [n.snapshot.id],
      refresh: ['infrastructure'],
    },
    (job) => rename(n.snapshot.id, name.trim(), job),
  );
}
