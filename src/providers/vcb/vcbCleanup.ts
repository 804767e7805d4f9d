// Cleanup after VCB (guide P.48 バックアップジョブ失敗後のクリーンアップ): vcbCleanup -y on the VCB host, and VCB's own
// backup snapshots found in the vSphere inventory — exactly the names VCB gives them (vcbRecords VCB_SNAPSHOT_NAMES),
// never a user's snapshot.
import { CleanupItem } from '../../core/cleanupReport';
import { JobContext } from '../../core/job';
import { VimClient } from '../vmware/vimClient';
import { readInventory } from '../vmware/vmwareInventory';
import { flattenSnapshots } from '../vmware/vmwareRecords';
import { removeSnapshot } from '../vmware/vmwareSnapshots';
import { VcbHostSession } from './vcbHostSession';
import { isVcbSnapshotName } from './vcbRecords';
import { cleanupArgs } from './vcbWire';

/** A VCB backup snapshot in the inventory: the snapshot's moref, its name and its VM. */
export interface VcbSnapshotFound {
  snapshotId: string;
  name: string;
  vmId: string;
  vmName: string;
}

/** VCB's own backup snapshots in vSphere (exact names only). */
export async function findVcbSnapshots(vim: VimClient, signal?: AbortSignal): Promise<VcbSnapshotFound[]> {
  const inv = await readInventory(vim, { signal });
  const out: VcbSnapshotFound[] = [];
  for (const vm of inv.vms)
    for (const s of flattenSnapshots(vm.snapshots))
      if (isVcbSnapshotName(s.name)) out.push({ snapshotId: s.id, name: s.name, vmId: vm.id, vmName: vm.name });
  return out;
}

/**
 * Runs `vcbCleanup -y` (unless `dryRun`), then lists VCB's snapshots still in vSphere and, unless `dryRun`, removes
 * them (RemoveSnapshot_Task of that snapshot only, consolidating). The guide warns not to run it while a backup is
 * in progress on the proxy (P.48 注意): the caller must not run it during one of this tool's VCB jobs.
 */
export async function cleanupVcb(
  h: VcbHostSession,
  vim: VimClient | undefined,
  dryRun: boolean,
  ctx: JobContext,
): Promise<CleanupItem[]> {
  const items: CleanupItem[] = [];
  if (!dryRun) {
    const r = await h.run(cleanupArgs(), ctx);
    items.push({
      action: 'deleted',
      what: `VCB's leftovers on ${h.host.host} (vcbCleanup -y: its mounts and snapshots)`,
      why: `the guide's cleanup (P.48): ${r.stdout.trim().split('\n').pop() ?? ''}`,
    });
  } else
    items.push({
      action: 'would delete',
      what: `VCB's leftovers on ${h.host.host} (vcbCleanup -y: its mounts and snapshots)`,
      why: "the guide's cleanup (P.48)",
    });
  if (!vim) return items;
  for (const s of await findVcbSnapshots(vim, ctx.signal)) {
    const what = `snapshot "${s.name}" (${s.snapshotId}) of VM "${s.vmName}"`;
    if (dryRun) {
      items.push({ action: 'would delete', what, why: 'VCB backup snapshot (exact VCB name) left by a backup' });
      continue;
    }
    await removeSnapshot(vim, s.snapshotId, { removeChildren: false, consolidate: true }, { signal: ctx.signal });
    items.push({ action: 'deleted', what, why: 'VCB backup snapshot (exact VCB name) left by a backup' });
  }
  return items;
}
