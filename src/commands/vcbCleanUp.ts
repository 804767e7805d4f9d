// Clean Up VCB…: what the guide prescribes after a failed or cancelled backup (P.48: vcbCleanup -y) and VCB's own backup
// snapshots left in vSphere (exact VCB names only, never a user's). A dry run lists them first; a modal confirms.
import { CleanupItem } from '../core/cleanupReport';
import { CommandContext } from '../ui/commandContext';
import { confirm } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { vcbJobSpec, vcbTarget } from '../ui/vcbTarget';
import { VcbHostNode, VcbSnapshotNode } from '../views/vcbNodeTypes';

export async function vcbCleanUp(
  ctx: CommandContext,
  node?: VcbHostNode | VcbSnapshotNode,
): Promise<CleanupItem[] | undefined> {
  const t = await vcbTarget(ctx, node, 'Clean up which VCB host?');
  const provider = await t.open();
  const planned = await runJob(
    ctx,
    { ...vcbJobSpec(t, `Find what VCB left on ${t.hostId}`, 'vcb-cleanup-dry'), announce: false },
    (jctx) => provider.cleanup({ dryRun: true }, jctx),
  );
  if (!planned) return undefined;
  await confirm(
    `Clean up after VCB on ${t.hostId}?`,
    `${planned.map((i) => `• ${i.what} — ${i.why}`).join('\n')}\n\nThe guide: do not run vcbCleanup while a backup runs on this host (P.48).`,
    'Clean Up',
  );
  return runJob(
    ctx,
    { ...vcbJobSpec(t, `Clean up VCB on ${t.hostId}`, 'vcb-cleanup'), refresh: ['infrastructure'] },
    (jctx) => provider.cleanup({ dryRun: false }, jctx),
  );
}
