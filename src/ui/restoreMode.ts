// The two real ways back for a VM backup (XAPI import.ml): a new VM, or xapi's full restore over the original.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { VmInfo } from '../core/model';

/** What the user chose: `preserveMacs` for a new VM, or `replaceOriginal` (confirmed). */
export interface RestoreMode {
  preserveMacs: boolean;
  replaceOriginal: boolean;
}

/**
 * Asks how to restore `label`: as a new VM (new MAC addresses, or the backed-up ones with a warning while the
 * original is in the pool), or replacing the original (it must be Halted; a modal confirmation names it).
 * Throws CancelledError when dismissed.
 */
export async function pickRestoreMode(label: string, original: VmInfo | undefined): Promise<RestoreMode> {
  const items: (vscode.QuickPickItem & { value: RestoreMode })[] = [
    {
      label: 'New VM',
      description: 'new uuid and new MAC addresses (safe while the original exists)',
      value: { preserveMacs: false, replaceOriginal: false },
    },
    {
      label: 'New VM, keeping the MAC addresses',
      description: original
        ? `warning: "${original.name}" is still in the pool with these MACs: never run both at once`
        : 'the backed-up MAC addresses',
      value: { preserveMacs: true, replaceOriginal: false },
    },
    {
      label: 'Replace the original VM',
      description: original
        ? `"${original.name}" (${original.powerState}) is replaced: it must be halted; its uuid and MACs come back`
        : 'the original is gone: it comes back with its uuid and MACs',
      value: { preserveMacs: false, replaceOriginal: true },
    },
  ];
  const mode = await vscode.window.showQuickPick(items, {
    title: esc(`Restore "${label}": as a new VM or replace the original?`),
    ignoreFocusOut: true,
  });
  if (!mode) throw new CancelledError();
  if (mode.value.replaceOriginal && original) {
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
