// Verify backups against their manifest (sizes + SHA-256); the result is shown because the user asked for it.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { BackupRepository } from '../core/repository';
import { CommandContext } from '../ui/commandContext';
import { pickBackups, selection } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { BackupEntryNode } from '../views/nodes';
import { dateText } from '../ui/format';

export async function verifyBackup(
  ctx: CommandContext,
  node?: BackupEntryNode,
  selected?: BackupEntryNode[],
): Promise<void> {
  let list = selection<BackupEntryNode>('backup', node, selected).filter((n) => !!n.entry.manifest);
  if (!list.length) list = await pickBackups(ctx, 'Verify backups', (e) => !!e.manifest, true);
  for (const n of list) {
    const label = `${n.entry.label} (${n.entry.created ? dateText(n.entry.created) : n.entry.id})`;
    const result = await runJob(
      ctx,
      {
        title: `Verify ${label}`,
        kind: 'verify',
        context: { connection: n.entry.connection, vm: n.entry.vmName },
        hostKey: `local:${n.root}`,
        announce: false, // OK or damaged, below
      },
      async (job) => {
        const r = await new BackupRepository(n.root).verify(n.entry, job.signal);
        for (const p of r.problems) job.log(p);
        return r;
      },
    );
    if (!result) continue;
    if (result.ok)
      void vscode.window.showInformationMessage(
        `Backup ${esc(label)} verified: ${n.entry.files.length} file(s) match the manifest.`,
      );
    else void vscode.window.showErrorMessage(esc(`Backup ${label} is damaged: ${result.problems.join('; ')}`));
  }
}
