// Opens the catalog of a VCB backup directory as a VCB catalog (validated like any vcb-catalog file).
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { pickBackups, selection } from '../ui/pickers';
import { BackupEntryNode } from '../views/nodes';

export async function openCatalog(ctx: CommandContext, node?: BackupEntryNode): Promise<vscode.TextDocument> {
  const [n] = selection<BackupEntryNode>('backup', node, undefined).filter((x) => !!x.entry.catalogFile);
  const entry = (n ?? (await pickBackups(ctx, 'Open the catalog of', (e) => !!e.catalogFile))[0]).entry;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(entry.catalogFile!));
  const typed =
    doc.languageId === 'vcb-catalog' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'vcb-catalog');
  await vscode.window.showTextDocument(typed);
  return typed;
}
