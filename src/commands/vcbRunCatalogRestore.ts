// Run Restore with This Catalog: the catalog copy in the editor is saved (written only when it validates), checked for
// errors, then the restore it was opened for (vcbRestoreFlow.ts: a folder on the VCB host, or a repository backup)
// runs with -a <copy> -b <picked mode> as a job; -b prompt is answered in a modal. After a restore that succeeded the
// copy (its journalled staging folder) is removed; after a failure it stays open, to change and run again.
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
  const { source, copy } = pending;
  const doc = await vscode.workspace.openTextDocument(target);
  if (doc.isDirty && !(await doc.save()))
    throw new Error(`the catalog copy ${copy.path} was not saved: fix its errors first`);
  const errors = vscode.languages.getDiagnostics(target).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  if (errors.length)
    throw new Error(
      `the catalog copy has ${errors.length} error(s): line ${errors[0].range.start.line + 1}: ${errors[0].message}`,
    );
  const mode = await pickRestoreMode();
  const t = source.target;
  const r = await runJob(
    ctx,
    {
      ...vcbJobSpec(t, `Restore ${source.label} with VCB (edited catalog)`, 'vcb-restore', source.vmName),
      refresh: ['infrastructure'],
    },
    async (jctx) => {
      const provider = await t.open();
      const r = await source.restore(
        provider,
        { mode, catalog: copy.path, answer: (q) => answerInDialog(q, `vcbRestore on ${t.hostId}`) },
        jctx,
      );
      pendingCatalogRestores.delete(target);
      await provider.discardCatalogCopy(copy, jctx);
      return r;
    },
  );
  if (r) {
    // The copy is gone from the VCB host: its editor closes (saved just above, nothing is lost).
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.path === target.path);
    await vscode.window.tabGroups.close(tabs);
  }
  return r;
}
