// Where a VCB restore goes — shared by Restore with VCB… (a backup folder on the VCB host) and Restore with VCB from
// the Repository… (a backup this product pulled in): to the original place (-b picked, then the restore runs as a
// job), or elsewhere through an edited copy of the catalog (guide P.66–67): the copy is made on the VCB host in a
// journalled staging folder, opened with completion of live datastore, folder, resource pool and host names, and Run
// Restore with This Catalog (vcbRunCatalogRestore.ts) validates it, runs the restore with `-a <copy>`, then removes it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setLiveValues } from '../language/liveValues';
import { CommandContext } from './commandContext';
import { pick } from './pickers';
import { runJob } from './runJob';
import { VcbRestoreSource, pendingCatalogRestores } from './vcbPendingRestores';
import { answerInDialog, pickRestoreMode, vcbJobSpec } from './vcbTarget';

export type { VcbRestoreSource } from './vcbPendingRestores';

export const RUN_RESTORE_ACTION = 'Run Restore';

/**
 * Asks where the backup goes, then restores it to the original place (returns vcbRestore's output) or opens an edited
 * copy of its catalog (returns the editor; the restore runs from it). undefined: a job failed or was cancelled.
 */
export async function restoreWithVcb(
  ctx: CommandContext,
  source: VcbRestoreSource,
): Promise<vscode.TextEditor | { output: string } | undefined> {
  const t = source.target;
  const where = await pick(
    [
      { label: 'To the original place', detail: 'vcbRestore -s, as the catalog says', value: 'original' as const },
      {
        label: 'Elsewhere: edit a copy of the catalog',
        detail: 'vcbRestore -s -a <copy>: datastore, folder, resource pool, host — with live names',
        value: 'copy' as const,
      },
    ],
    `Restore ${source.label}`,
  );
  if (where === 'original') {
    const mode = await pickRestoreMode();
    return runJob(
      ctx,
      {
        ...vcbJobSpec(t, `Restore ${source.label} with VCB`, 'vcb-restore', source.vmName),
        refresh: ['infrastructure'],
      },
      async (jctx) =>
        source.restore(await t.open(), { mode, answer: (q) => answerInDialog(q, `vcbRestore on ${t.hostId}`) }, jctx),
    );
  }
  const prepared = await runJob(
    ctx,
    { ...vcbJobSpec(t, `Copy the catalog of ${source.label}`, 'vcb-catalog-copy', source.vmName), announce: false },
    async (jctx) => {
      const p = await t.open();
      const copy = await source.copyCatalog(p, jctx);
      try {
        return { copy, live: await p.catalogNames(jctx) };
      } catch (e) {
        await p.discardCatalogCopy(copy, jctx);
        throw e;
      }
    },
  );
  if (!prepared) return undefined;
  const uri = ctx.vcbFiles.allowCatalogCopy(t.connection, t.hostId, prepared.copy.path);
  pendingCatalogRestores.set(uri, { source, copy: prepared.copy });
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'vcb-catalog') doc = await vscode.languages.setTextDocumentLanguage(doc, 'vcb-catalog');
  // After the language is set: setting it closes and reopens the document, which drops a document's live values.
  setLiveValues(uri, prepared.live.liveValues);
  const editor = await vscode.window.showTextDocument(doc);
  void vscode.window
    .showInformationMessage(
      `A copy of the catalog of ${source.label} is open: change where the VM goes (completion offers the live names), save, then run the restore.`,
      RUN_RESTORE_ACTION,
    )
    .then((pickd) => {
      if (pickd === RUN_RESTORE_ACTION) void vscode.commands.executeCommand('vmbackup.vcbRunCatalogRestore', uri);
    });
  return editor;
}

/**
 * The repository whose journal records what a VCB command makes on the host of `connection` (catalog copies): the
 * connection's repository, else `backups` in the workspace — as the CLI's vcb-* verbs choose it.
 */
export function vcbJournalRepository(ctx: CommandContext, connection: string): string {
  return (
    ctx.connections.repositoryFor(connection) ?? path.resolve(ctx.connections.workspaceRoot ?? process.cwd(), 'backups')
  );
}
