// Command vmbackup.movePasswordToSecretStorage: stores a plaintext password for a
// chosen connection, then deletes the line that held it.
import * as vscode from 'vscode';
import { connectionsForHost, Entry, parse } from '../formats';
import { ourLanguage } from './selector';

export const MOVE_PASSWORD_COMMAND = 'vmbackup.movePasswordToSecretStorage';

export interface SecretDeps {
  getConnections: () => Array<{ name: string; url?: string }>;
  storeSecret: (name: string, password: string) => Thenable<void>;
}

export function findPasswordEntry(entries: Entry[], start: number, end: number): Entry | undefined {
  return entries.find((e) => e.valueRange.start.offset <= start && end <= e.valueRange.end.offset)
    ?? entries.find((e) => e.statementRange.start.offset <= start && start <= e.statementRange.end.offset);
}

export function registerMovePassword(context: vscode.ExtensionContext, deps?: Partial<SecretDeps>): void {
  context.subscriptions.push(vscode.commands.registerCommand(MOVE_PASSWORD_COMMAND, async (uri?: vscode.Uri, range?: vscode.Range) => {
    if (!deps?.getConnections || !deps.storeSecret) {
      void vscode.window.showWarningMessage('Secret storage is not available for moving passwords.');
      return;
    }
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    const lang = document && ourLanguage(document);
    if (!document || !lang) return;
    const text = document.getText();
    const start = range ? document.offsetAt(range.start) : document.offsetAt(vscode.window.activeTextEditor?.selection.active ?? new vscode.Position(0, 0));
    const end = range ? document.offsetAt(range.end) : start;
    const entries = parse(lang, text).entries;
    const entry = findPasswordEntry(entries, start, end);
    if (!entry) { void vscode.window.showWarningMessage('No password assignment found here.'); return; }

    const connections = deps.getConnections();
    if (connections.length === 0) { void vscode.window.showWarningMessage('No connections are configured to store the password for.'); return; }
    // The connection to the file's own host is the owner; ask only when none or several match.
    const matching = connectionsForHost(lang, entries, connections);
    const names = [...matching, ...connections.map((c) => c.name).filter((n) => !matching.includes(n))];
    const name = matching.length === 1 ? matching[0] : await vscode.window.showQuickPick(names, { placeHolder: 'Store the password for which connection?' });
    if (!name) return;
    const versionBefore = document.version;
    await deps.storeSecret(name, entry.value);

    if (document.version !== versionBefore) {
      void vscode.window.showWarningMessage(`Password stored for ${name}, but the file changed meanwhile; remove the line yourself.`);
      return;
    }
    // Delete the whole line(s) of the statement, including the line break.
    // (statementRange may already end after the line break; never take the following line with it.)
    const s = document.positionAt(entry.statementRange.start.offset);
    const e = document.positionAt(entry.statementRange.end.offset);
    const stop = e.character === 0 && e.line > s.line ? e : e.line + 1 < document.lineCount ? new vscode.Position(e.line + 1, 0) : document.lineAt(e.line).range.end;
    const del = new vscode.Range(new vscode.Position(s.line, 0), stop);
    const edit = new vscode.WorkspaceEdit();
    edit.delete(document.uri, del);
    const ok = await vscode.workspace.applyEdit(edit);
    void vscode.window.showInformationMessage(ok ? `Password stored in secret storage for ${name} and removed from the file.` : `Password stored for ${name}, but the line could not be removed.`);
  }));
}
