// Restore a VM backup: as a new VM (MACs kept only when asked) or replacing the original; target SR; name.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { formatBytes } from '../core/progress';
import { entryContext } from '../views/backupsTree';
import { operation } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { connectionForBackup, pickBackups } from '../ui/pickers';
import { pickRestoreMode } from '../ui/restoreMode';
import { runJob } from '../ui/runJob';
import { BackupEntryNode, isNode } from '../views/nodes';

const canRestore = (n: BackupEntryNode) => /(^|;)canRestore(;|$)/.test(entryContext(n.entry));

export async function restoreVm(ctx: CommandContext, node?: BackupEntryNode): Promise<void> {
  const n =
    isNode(node, 'backup') && canRestore(node)
      ? node
      : (
          await pickBackups(ctx, 'Restore VM from backup', (e) =>
            canRestore({ kind: 'backup', key: '', root: '', entry: e, connections: [] }),
          )
        )[0];
  const connection = await connectionForBackup(ctx, n);
  const provider = await ctx.connections.provider(connection);
  const restore = operation(provider, 'restoreVm');
  const base = n.entry.vmName ?? n.entry.label;
  const original = n.entry.vmUuid ? (await provider.listVms()).find((v) => v.uuid === n.entry.vmUuid) : undefined;
  const mode = await pickRestoreMode(n.entry.label, original);
  const storage = await provider.listStorage();
  const sr = await vscode.window.showQuickPick(
    storage
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
      .map((s) => ({
        label: s.name,
        description: `${s.type}${s.shared ? ' · shared' : ''}${s.isDefault ? ' · default' : ''}${s.freeBytes !== undefined ? ' · ' + formatBytes(s.freeBytes) + ' free' : ''}`,
        value: s,
      })),
    { title: `Restore "${n.entry.label}": target storage`, ignoreFocusOut: true },
  );
  if (!sr) throw new CancelledError();
  // Replacing keeps the original's name; a new VM is named by the user.
  const name = mode.replaceOriginal
    ? undefined
    : await vscode.window.showInputBox({
        title: 'Name of the restored VM',
        value: `${base} (restored)`,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Required'),
      });
  if (!mode.replaceOriginal && !name) throw new CancelledError();
  const title = mode.replaceOriginal ? `Replace ${base} with its backup` : `Restore ${base} as "${name}"`;
  const vm = await runJob(
    ctx,
    {
      title,
      kind: 'restore-vm',
      context: { connection, vm: base },
      hostKey: `${connection}/restore`,
      refresh: ['infrastructure'],
      announce: false, // the message below names the VM, SR and power state
    },
    (job) => restore(n.entry, { storageId: sr.value.id, name: name?.trim(), ...mode }, job),
  );
  if (vm)
    void vscode.window.showInformationMessage(
      `Restored "${esc(vm.name)}" on "${esc(connection)}" (${esc(sr.value.name)}): ${vm.powerState === 'suspended' ? 'Suspended, with its memory: resume it to go on' : 'Halted'}.`,
    );
}
