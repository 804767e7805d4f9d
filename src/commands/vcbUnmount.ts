// Unmount: ends a file-level mount (vcbMounter -U) and closes its files in the editor.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CommandContext } from '../ui/commandContext';
import { pick } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { vcbUri } from '../ui/vcbFileSystem';
import { vcbJobSpec, vcbTarget } from '../ui/vcbTarget';
import { VcbMountNode } from '../views/vcbNodeTypes';

export async function vcbUnmount(ctx: CommandContext, node?: VcbMountNode): Promise<void> {
  const id =
    node?.kind === 'vcbMount'
      ? node.mountId
      : await pick(
          [...ctx.vcb.mounts.values()].map((m) => ({
            label: esc(m.mount.vmName),
            description: esc(`${m.mount.mountPoint} on ${m.host.host}`),
            value: m.id,
          })),
          'Unmount which VCB file-level mount?',
        );
  const m = ctx.vcb.mounts.get(id);
  if (!m) return;
  const t = await vcbTarget(ctx, { connection: m.connection, host: m.host });
  const root = vcbUri({ connection: m.connection, hostId: t.hostId, kind: 'mount', mountId: id }).toString();
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString().startsWith(root));
  await vscode.window.tabGroups.close(tabs);
  await runJob(
    ctx,
    { ...vcbJobSpec(t, `Unmount ${m.mount.vmName} (VCB file level)`, 'vcb-unmount', m.mount.vmName), announce: false },
    (jctx) => ctx.vcb.unmount(id, jctx),
  );
  ctx.trees.infrastructure.refreshConnection(m.connection);
}
