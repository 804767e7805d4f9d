// Restore with VCB…: vcbRestore -s <backup folder on the VCB host> (guide P.65–68), to the original place (-b picked),
// or elsewhere: the product makes a copy of the backup's catalog on the host (the backup's own is never edited),
// opens it in the editor with completion of live datastore, folder, resource pool and host names (vcbUtil -c and the
// vSphere inventory), and Run Restore with This Catalog validates it and runs vcbRestore -a <copy>.
import * as vscode from 'vscode';
import { setLiveValues } from '../language';
import { CommandContext } from '../ui/commandContext';
import { pick } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { pendingCatalogRestores } from '../ui/vcbPendingRestores';
import { answerInDialog, askRemoteFolder, pickRestoreMode, vcbJobSpec, vcbTarget } from '../ui/vcbTarget';
import { VcbHostNode } from '../views/vcbNodeTypes';

export const RUN_RESTORE_ACTION = 'Run Restore';

export async function vcbRestore(
  ctx: CommandContext,
  node?: VcbHostNode,
  backupDir?: string,
): Promise<vscode.TextEditor | { output: string } | undefined> {
  const t = await vcbTarget(ctx, node, 'Restore through which VCB host?');
  const provider = await t.open();
  const dir =
    typeof backupDir === 'string'
      ? backupDir
      : await askRemoteFolder(
          'Restore with VCB (vcbRestore -s)',
          'The backup folder on the VCB host (made by vcbMounter -t fullvm: catalog, .vmx, .vmdk)',
          provider.session.stagingRoot(),
        );
  const where = await pick(
    [
      { label: 'To the original place', detail: 'vcbRestore -s, as the catalog says', value: 'original' as const },
      {
        label: 'Elsewhere: edit a copy of the catalog',
        detail: 'vcbRestore -s -a <copy>: datastore, folder, resource pool, host — with live names',
        value: 'copy' as const,
      },
    ],
    `Restore ${dir}`,
  );
  if (where === 'original') {
    const mode = await pickRestoreMode();
    return runJob(
      ctx,
      { ...vcbJobSpec(t, `Restore ${dir} with VCB`, 'vcb-restore'), refresh: ['infrastructure'] },
      (jctx) => provider.restore(dir, { mode, answer: (q) => answerInDialog(q, `vcbRestore on ${t.hostId}`) }, jctx),
    );
  }
  const prepared = await runJob(
    ctx,
    { ...vcbJobSpec(t, `Copy the catalog of ${dir}`, 'vcb-catalog-copy'), announce: false },
    async (jctx) => ({ copy: await provider.copyCatalog(dir), live: await provider.catalogNames(jctx) }),
  );
  if (!prepared) return undefined;
  const uri = ctx.vcbFiles.allowCatalogCopy(t.connection, t.hostId, prepared.copy.path);
  pendingCatalogRestores.set(uri, { target: t, backupDir: dir, copyPath: prepared.copy.path });
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'vcb-catalog') doc = await vscode.languages.setTextDocumentLanguage(doc, 'vcb-catalog');
  // After the language is set: setting it closes and reopens the document, which drops a document's live values.
  setLiveValues(uri, prepared.live.liveValues);
  const editor = await vscode.window.showTextDocument(doc);
  void vscode.window
    .showInformationMessage(
      `A copy of the catalog of ${dir} is open: change where the VM goes (completion offers the live names), save, then run the restore.`,
      RUN_RESTORE_ACTION,
    )
    .then((pickd) => {
      if (pickd === RUN_RESTORE_ACTION) void vscode.commands.executeCommand('vmbackup.vcbRunCatalogRestore', uri);
    });
  return editor;
}
