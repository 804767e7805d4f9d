// Restore pool metadata: dry run first, then "Restore for real", then offer to reset VMs suspended without disk.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { MetadataRestoreResult } from '../core/provider';
import { isPoolEntry } from '../views/backupsTree';
import { CommandContext } from '../ui/commandContext';
import { confirm, connectionForBackup, pickBackups } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { BackupEntryNode, PoolNode, isNode } from '../views/nodes';

// A dry run checks the dump against the pool (the hosts' NICs); it cannot promise that suspend disks survive, so
// nothing is claimed about them unless the provider names VMs.
const describe = (r: MetadataRestoreResult) =>
  r.suspendedWithoutDisk.length
    ? `passed; ${r.suspendedWithoutDisk.length} VM(s) would come back Suspended without their suspend disk: ${r.suspendedWithoutDisk.map((v) => v.name).join(', ')}.`
    : 'passed. VMs that come back Suspended without their suspend disk are offered a power-state reset afterwards.';

export async function restorePoolMetadata(ctx: CommandContext, node?: BackupEntryNode | PoolNode): Promise<void> {
  const pool = isNode(node, 'pool') ? node : undefined;
  const n =
    isNode(node, 'backup') && isPoolEntry(node.entry)
      ? node
      : (
          await pickBackups(
            ctx,
            'Restore pool metadata from',
            (e) => isPoolEntry(e) && (!pool || !e.connection || e.connection === pool.connection),
          )
        )[0];
  const connection = pool?.connection ?? (await connectionForBackup(ctx, n));
  const provider = await ctx.connections.provider(connection);
  const spec = {
    kind: 'restore-pool-metadata',
    context: { connection, pool: pool?.pool.name },
    hostKey: `${connection}/${pool?.pool.id ?? 'pool'}`,
    targets: pool ? [pool.pool.id] : [],
  };
  const dry = await runJob(ctx, { ...spec, title: `Dry run: restore pool metadata of "${connection}"` }, (job) =>
    provider.restorePoolMetadata(n.entry, { dryRun: true }, job),
  );
  if (!dry) return;
  await confirm(
    `Restore pool metadata of "${connection}" from ${n.entry.created?.toLocaleString() ?? n.entry.label}?`,
    `Dry run: ${describe(dry)}\n\nThe pool database is replaced; changes made since the backup are lost.`,
    'Restore for real',
  );
  const result = await runJob(
    ctx,
    { ...spec, title: `Restore pool metadata of "${connection}"`, refresh: ['infrastructure'] },
    (job) => provider.restorePoolMetadata(n.entry, { dryRun: false }, job),
  );
  if (!result) return;
  if (!result.suspendedWithoutDisk.length) {
    void vscode.window.showInformationMessage(esc(`Pool metadata of "${connection}" restored.`));
    return;
  }
  const names = result.suspendedWithoutDisk.map((v) => esc(v.name)).join(', ');
  const answer = await vscode.window.showWarningMessage(
    `Pool metadata restored. ${result.suspendedWithoutDisk.length} VM(s) are Suspended without their suspend disk: ${names}. Reset their power state to Halted?`,
    'Reset Power State',
  );
  if (answer !== 'Reset Power State') return;
  for (const vm of result.suspendedWithoutDisk) {
    await runJob(
      ctx,
      {
        title: `Reset power state of ${vm.name}`,
        kind: 'reset-power-state',
        context: { connection, vm: vm.name },
        hostKey: `${connection}/${vm.hostId ?? vm.poolId}`,
        targets: [vm.id],
        refresh: ['infrastructure'],
      },
      (job) => provider.resetPowerState(vm.id, job),
    );
  }
}
