// Restore a metadata backup of a kind the connection's capabilities can restore (Xen: the pool database): a dry run
// first where the kind has one, then "Restore for real", then a power-state reset offered for VMs left Suspended
// without their suspend disk, where the platform has that reset.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { MetadataBackupKind } from '../core/model';
import { MetadataRestoreResult, operation } from '../core/provider';
import { isPoolEntry } from '../views/backupsTree';
import { CommandContext } from '../ui/commandContext';
import { confirm, connectionForBackup, pickBackups } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { BackupEntryNode, ContainerNode, isNode } from '../views/nodes';
import { CatalogEntry } from '../core/repository';
import { dateText } from '../ui/format';

// A dry run checks the dump against the pool (the hosts' NICs); it cannot promise that suspend disks survive, so
// nothing is claimed about them unless the provider names VMs.
const describe = (r: MetadataRestoreResult) =>
  r.suspendedWithoutDisk.length
    ? `passed; ${r.suspendedWithoutDisk.length} VM(s) would come back Suspended without their suspend disk: ${r.suspendedWithoutDisk.map((v) => v.name).join(', ')}.`
    : 'passed. VMs that come back Suspended without their suspend disk are offered a power-state reset afterwards.';

/** The metadata kind of a catalog entry (a foreign pool dump counts as a pool database). */
const kindOf = (e: CatalogEntry): MetadataBackupKind['kind'] | undefined =>
  isPoolEntry(e) ? 'pool-metadata' : e.kind === 'host' || e.kind === 'vm-metadata' ? e.kind : undefined;

export async function restoreMetadata(ctx: CommandContext, node?: BackupEntryNode | ContainerNode): Promise<void> {
  const container = isNode(node, 'container') ? node : undefined;
  const restorable = (e: CatalogEntry) =>
    !!kindOf(e) && (!container || !e.connection || e.connection === container.connection);
  const n =
    isNode(node, 'backup') && restorable(node.entry)
      ? node
      : (await pickBackups(ctx, 'Restore metadata from', restorable))[0];
  const connection = container?.connection ?? (await connectionForBackup(ctx, n));
  const provider = await ctx.connections.provider(connection);
  const kind = provider.capabilities.metadataBackups.find((k) => k.kind === kindOf(n.entry) && k.restore);
  if (!kind) throw new Error(`connection "${connection}": restoring ${n.entry.label} is not offered on this platform`);
  const restore = operation(provider, 'restoreMetadata');
  const where = container ? `${container.container.name} on "${connection}"` : `"${connection}"`;
  const spec = {
    kind: `restore-${kind.kind}`,
    context: { connection, pool: container?.container.name },
    hostKey: `${connection}/${container?.container.id ?? kind.of}`,
    targets: container ? [container.container.id] : [],
    announce: false, // the dry run's result is in the confirmation, the restore's below
  };
  const dry = kind.dryRun
    ? await runJob(ctx, { ...spec, title: `Dry run: restore ${kind.label} of ${where}` }, (job) =>
        restore(kind.kind, n.entry, { dryRun: true }, job),
      )
    : undefined;
  if (kind.dryRun && !dry) return;
  await confirm(
    `Restore ${kind.label} of ${where} from ${n.entry.created ? dateText(n.entry.created) : n.entry.label}?`,
    `${dry ? `Dry run: ${describe(dry)}\n\n` : ''}What it holds is replaced; changes made since the backup are lost.`,
    'Restore for real',
  );
  const result = await runJob(
    ctx,
    { ...spec, title: `Restore ${kind.label} of ${where}`, refresh: ['infrastructure'] },
    (job) => restore(kind.kind, n.entry, { dryRun: false }, job),
  );
  if (!result) return;
  if (!result.suspendedWithoutDisk.length || !provider.resetPowerState) {
    void vscode.window.showInformationMessage(esc(`${kind.label} of ${where} restored.`));
    return;
  }
  const reset = operation(provider, 'resetPowerState');
  const names = result.suspendedWithoutDisk.map((v) => esc(v.name)).join(', ');
  const answer = await vscode.window.showWarningMessage(
    `${esc(kind.label)} restored. ${result.suspendedWithoutDisk.length} VM(s) are Suspended without their suspend disk: ${names}. Reset their power state to Halted?`,
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
      (job) => reset(vm.id, job),
    );
  }
}
