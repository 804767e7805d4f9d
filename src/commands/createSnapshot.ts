// Take a snapshot of one or more VMs (right-click with multi-select, or palette picker): disks only. The memory and
// quiesce variants (createSnapshotWithMemory.ts, createQuiescedSnapshot.ts) are offered only where they apply.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { SnapshotOptions } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { pickVms, selection, withToken } from '../ui/pickers';
import { jobPerNode } from '../ui/jobPerNode';
import { VmNode } from '../views/nodes';

/**
 * Snapshots the selected VMs whose tokens have `token` (else VMs picked among those), with `options`: one job each.
 * `what` names the variant in the job's title ("Snapshot", "Snapshot with memory"…).
 */
export async function takeSnapshots(
  ctx: CommandContext,
  node: VmNode | undefined,
  selected: VmNode[] | undefined,
  token: string,
  options: Omit<SnapshotOptions, 'name'>,
  what: string,
): Promise<void> {
  let vms = selection<VmNode>('vm', node, selected).filter(withToken(token));
  if (!vms.length) vms = await pickVms(ctx, `${what}: VMs`, withToken(token));
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const name = await vscode.window.showInputBox({
    title: 'Snapshot name',
    value: vms.length === 1 ? `${vms[0].vm.name} ${stamp}` : `snapshot ${stamp}`,
    ignoreFocusOut: true,
  });
  if (!name) throw new CancelledError();
  await jobPerNode(
    ctx,
    vms,
    'snapshot',
    'snapshot',
    (n) => `${what} ${n.vm.name}`,
    (snapshot, n, job) => snapshot(n.vm.id, { name, ...options }, job),
  );
}

export function createSnapshot(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  return takeSnapshots(ctx, node, selected, 'canSnapshot', {}, 'Snapshot');
}
