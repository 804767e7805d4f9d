// Run Restore with This Catalog: the catalog copy in the editor is saved (written only when it validates), checked for
// errors, then vcbRestore -s <backup> -a <copy> -b <picked mode> runs as a job; -b prompt is answered in a modal.
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { runJob } from '../ui/runJob';
import { pendingCatalogRestores } from '../ui/vcbPendingRestores';
import { answerInDialog, pickRestoreMode, vcbJobSpec } from '../ui/vcbTarget';

export async function vcbRunCatalogRestore(
  ctx: CommandContext,
  uri?: vscode.Uri,
): Promise<{ output: string } | undefined> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  const pending = target && pendingCatalogRestores.get(target);
  if (!target || !pending)
    throw new Error(
      'Run Restore works on a catalog copy opened by "Restore with VCB…" (Elsewhere: edit a copy of the catalog)',
    );
  const doc = await vscode.workspace.openTextDocument(target);
  if (doc.isDirty && !(await doc.save()))
    throw new Error(`the catalog copy ${pending.copyPath} was not saved: fix its errors first`);
  const errors = vscode.languages.getDiagnostics(target).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  if (errors.length)
    throw new Error(
      `the catalog copy has ${errors.length} error(s): line ${errors[0].range.start.line + 1}: ${errors[0].message}`,
    );
  const mode = await pickRestoreMode();
  const provider = await pending.target.open();
  return runJob(
    ctx,
    {
      ...vcbJobSpec(pending.target, `Restore ${pending.backupDir} with VCB (edited catalog)`, 'vcb-restore'),
      refresh: ['infrastructure'],
    },
    (jctx) =>
      provider.restore(
        pending.backupDir,
        {
          mode,
          catalog: pending.copyPath,
          answer: (q) => answerInDialog(q, `vcbRestore on ${pending.target.hostId}`),
        },
        jctx,
      ),
  );
}
