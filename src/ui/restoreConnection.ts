// The wizard's first step: the connection to restore to — the backup's own, or another of the same platform (another
// pool, vCenter or Manager). Nothing is asked when there is no other.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { CommandContext } from './commandContext';
import { connectionForBackup } from './pickers';
import { BackupEntryNode } from '../views/nodes';

/** The target connection's name for a restore of `n`: its own connection first, then the others of its platform. */
export async function pickRestoreConnection(ctx: CommandContext, n: BackupEntryNode): Promise<string> {
  const home = await connectionForBackup(ctx, n);
  const platform = ctx.connections.get(home)?.platform;
  const others = ctx.connections.connections.filter((c) => c.name !== home && c.platform === platform);
  if (!others.length) return home;
  const pick = await vscode.window.showQuickPick(
    [home, ...others.map((c) => c.name)].map((c) => ({
      label: esc(c),
      description: c === home ? "the backup's connection" : 'another connection of this platform',
      value: c,
    })),
    { title: esc(`Restore "${n.entry.label}" to which connection?`), ignoreFocusOut: true },
  );
  if (!pick) throw new CancelledError();
  return pick.value;
}
