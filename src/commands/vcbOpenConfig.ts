// Open backuptools.conf: the VCB host's file in the editor through the vmbackup-vcb: file system (saved back over
// SFTP), validated by the backuptools-conf language support.
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { vcbUri } from '../ui/vcbFileSystem';
import { vcbTarget } from '../ui/vcbTarget';
import { VcbConfigNode } from '../views/vcbNodeTypes';

export async function vcbOpenConfig(ctx: CommandContext, node?: VcbConfigNode): Promise<vscode.TextEditor> {
  const t = await vcbTarget(ctx, node, 'Open backuptools.conf of which VCB host?');
  const p = await t.open();
  const uri = vcbUri({ connection: t.connection, hostId: t.hostId, kind: 'conf', remotePath: p.config.path });
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'backuptools-conf') await vscode.languages.setTextDocumentLanguage(doc, 'backuptools-conf');
  return vscode.window.showTextDocument(doc);
}
