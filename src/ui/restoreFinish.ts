// The wizard's last steps: the new VM's name, and whether to start it afterwards (where Capabilities.restore.powerOn).
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';

/** The restored VM's name, `value` offered (the VM's name and the backup's date); required. */
export async function pickName(value: string): Promise<string> {
  const name = await vscode.window.showInputBox({
    title: 'Name of the restored VM',
    value,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Required'),
  });
  if (!name) throw new CancelledError();
  return name.trim();
}

/** Start the VM once restored, or leave it halted (the first choice). */
export async function pickPowerOn(): Promise<boolean> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Leave it halted', start: false },
      { label: 'Start it after the restore', start: true },
    ],
    { title: 'After the restore', ignoreFocusOut: true },
  );
  if (!pick) throw new CancelledError();
  return pick.start;
}
