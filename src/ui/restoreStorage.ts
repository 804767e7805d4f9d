// The wizard's storage step (SR / datastore / repository, the platform's word from Capabilities.restore): each with
// its type, the host of a local one, free space against the backup's size, the default first.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { RestoreCapabilities, StorageInfo } from '../core/model';
import { formatBytes } from '../core/progress';
import { Provider } from '../core/provider';
import { CatalogEntry } from '../core/repository';
import { backupBytes, fits } from '../core/restoreStorage';

/** One storage as a pick: name; type · shared or "local to <host>" · free · default · "too small" when it does not fit. */
export function storageItem(s: StorageInfo, need: number): vscode.QuickPickItem & { value: StorageInfo } {
  return {
    label: esc(s.name),
    description: [
      s.type,
      s.shared ? 'shared' : s.hostName || s.hostId ? `local to ${s.hostName ?? s.hostId}` : '',
      s.freeBytes !== undefined ? `${formatBytes(s.freeBytes)} free` : '',
      s.isDefault ? 'default' : '',
      fits(s, need) ? '' : `too small for the backup (${formatBytes(need)})`,
    ]
      .filter(Boolean)
      .map((d) => esc(d))
      .join(' · '),
    value: s,
  };
}

/**
 * Asks for the target storage of `entry` on `provider`, the default first; refuses one that is too small (naming both
 * sizes). Throws CancelledError when dismissed.
 */
export async function pickRestoreStorage(
  provider: Provider,
  entry: CatalogEntry,
  caps: RestoreCapabilities,
): Promise<StorageInfo> {
  const need = backupBytes(entry);
  const storage = (await provider.listStorage()).sort(
    (a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name),
  );
  const pick = await vscode.window.showQuickPick(
    storage.map((s) => storageItem(s, need)),
    {
      title: esc(`Restore "${entry.label}" (${formatBytes(need)}): target storage (${caps.storage})`),
      ignoreFocusOut: true,
    },
  );
  if (!pick) throw new CancelledError();
  if (!fits(pick.value, need))
    throw new Error(
      `"${pick.value.name}" has ${formatBytes(pick.value.freeBytes ?? 0)} free, the backup needs ${formatBytes(need)}: choose another ${caps.storage}`,
    );
  return pick.value;
}
