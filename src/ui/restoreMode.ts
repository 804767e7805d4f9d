// How a VM backup comes back (core/model.ts RestoreMode), offered as the target platform declares
// (Capabilities.restore.modes): a new VM, a new VM with the backed-up MACs, or the original replaced (XAPI import.ml).
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { RestoreMode, VmInfo } from '../core/model';

/**
 * Asks how to restore `label` among `modes`: as a new VM (new MAC addresses, or the backed-up ones with a warning
 * while the original exists), or replacing the original (it must be halted; a modal confirmation names it). With one
 * mode only, nothing is asked. Throws CancelledError when dismissed.
 */
export async function pickRestoreMode(
  label: string,
  original: VmInfo | undefined,
  modes: RestoreMode[] = ['new', 'keepMacs', 'replace'],
): Promise<RestoreMode> {
  const all: (vscode.QuickPickItem & { value: RestoreMode })[] = [
    {
      label: 'New VM',
      description: 'new uuid and new MAC addresses (safe while the original exists)',
      value: 'new',
    },
    {
      label: 'New VM, keeping the MAC addresses',
      description: original
        ? `warning: "${original.name}" still exists with these MACs: never run both at once`
        : 'the backed-up MAC addresses',
      value: 'keepMacs',
    },
    {
      label: 'Replace the original VM',
      description: original
        ? `"${original.name}" (${original.powerState}) is replaced: it must be halted; its uuid and MACs come back`
        : 'the original is gone: it comes back with its uuid and MACs',
      value: 'replace',
    },
  ];
  const items = all.filter((i) => modes.includes(i.value));
  if (items.length === 1) return items[0].value;
  const mode = await vscode.window.showQuickPick(items, {
    title: esc(`Restore "${label}": as a new VM${modes.includes('replace') ? ' or replace the original' : ''}?`),
    ignoreFocusOut: true,
  });
  if (!mode) throw new CancelledError();
  if (mode.value === 'replace' && original) {
    const ok = await vscode.window.showWarningMessage(
      esc(`Replace the VM "${original.name}" with this backup?`),
      {
        modal: true,
        detail:
          'XAPI full restore: the original VM record is destroyed (its disks stay in their SR) and the backup takes its place with its uuid and MAC addresses. The original must be halted.',
      },
      'Replace',
    );
    if (ok !== 'Replace') throw new CancelledError();
  }
  return mode.value;
}
