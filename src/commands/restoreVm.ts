// Restore a VM backup: target SR, name, preserve MACs.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { formatBytes } from '../core/progress';
import { entryContext } from '../views/backupsTree';
import { CommandContext } from '../ui/commandContext';
import { connectionForBackup, pickBackups } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { BackupEntryNode, isNode } from '../views/nodes';

const canRestore = (n: BackupEntryNode) => /(^|;)canRestore(;|$)/.test(entryContext(n.entry));

export async function restoreVm(ctx: CommandContext, node?: BackupEntryNode): Promise<void> {
  const n = isNode(node, 'backup') && canRestore(node) ? node
    : (await pickBackups(ctx, 'Restore VM from backup', (e) => canRestore({ kind: 'backup', key: '', root: '', entry: e, connections: [] })))[0];
  const connection = await connectionForBackup(ctx, n);
  const provider = await ctx.connections.provider(connection);
  const storage = await provider.listStorage();
  const sr = await vscode.window.showQuickPick(
    storage.sort((a, b) => Number(b.isDefault) - Number(a.isDefault)).map((s) => ({ label: s.name, description: `${s.type}${s.shared ? ' · shared' : ''}${s.isDefault ? ' · default' : ''}${s.freeBytes !== undefined ? ' · ' + formatBytes(s.freeBytes) + ' free' : ''}`, value: s })),
    { title: `Restore "${n.entry.label}": target storage`, ignoreFocusOut: true });
  if (!sr) throw new CancelledError();
  const base = n.entry.vmName ?? n.entry.label;
  const name = await vscode.window.showInputBox({ title: 'Name of the restored VM', value: `${base} (restored)`, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Required') });
  if (!name) throw new CancelledError();
  const macs = await vscode.window.showQuickPick([
    { label: 'No', description: 'new MAC addresses (safe while the original VM exists)', value: false },
    { label: 'Yes', description: 'keep the original MAC addresses', value: true },
  ], { title: 'Preserve MAC addresses?', ignoreFocusOut: true });
  if (!macs) throw new CancelledError();
  const vm = await runJob(ctx, { title: `Restore ${base} as "${name}"`, kind: 'restore-vm', context: { connection, vm: base }, hostKey: `${connection}/restore`, refresh: ['infrastructure'] },
    (job) => provider.restoreVm(n.entry, { storageId: sr.value.id, name: name.trim(), preserveMacs: macs.value }, job));
  if (vm) void vscode.window.showInformationMessage(`Restored "${vm.name}" on "${connection}" (${sr.value.name}).`);
}
