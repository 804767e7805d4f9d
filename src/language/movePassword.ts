// Command vmbackup.movePasswordToSecretStorage: stores a plaintext password for a
// chosen connection, then deletes the line that held it.
import * as vscode from 'vscode';
import { connectionDraft, ConnectionRef, connectionsForHost, Entry, fileHost, FILE_PLATFORM, parse } from '../formats';
import { ourLanguage } from './selector';

import { MOVE_PASSWORD_COMMAND, RegisterCommand } from './languageCommands';

export { MOVE_PASSWORD_COMMAND };

export interface SecretDeps {
  getConnections: () => ConnectionRef[];
  storeSecret: (name: string, password: string) => Thenable<void>;
  /** Whether SecretStorage already holds a password for the connection (then the user is told whose it replaces). */
  hasSecret?: (name: string) => Thenable<boolean>;
  /** Adds a connection (pre-filled from the file) to connections.yaml and stores its password. */
  createConnection?: (
    draft: { name: string; platform: string; url: string; username: string },
    password: string,
  ) => Thenable<void>;
}

export function findPasswordEntry(entries: Entry[], start: number, end: number): Entry | undefined {
  return (
    entries.find((e) => e.valueRange.start.offset <= start && end <= e.valueRange.end.offset) ??
    entries.find((e) => e.statementRange.start.offset <= start && start <= e.statementRange.end.offset)
  );
}

/** Registers the move-password command through `registerCommand`; `deps` reach the connections and SecretStorage. */
export function registerMovePassword(
  context: vscode.ExtensionContext,
  deps?: Partial<SecretDeps>,
  registerCommand: RegisterCommand = vscode.commands.registerCommand,
): void {
  context.subscriptions.push(
    registerCommand(MOVE_PASSWORD_COMMAND, async (uri?: vscode.Uri, range?: vscode.Range) => {
      if (!deps?.getConnections || !deps.storeSecret) {
        void vscode.window.showWarningMessage('Secret storage is not available for moving passwords.');
        return;
      }
      const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      const lang = document && ourLanguage(document);
      if (!document || !lang) return;
      const text = document.getText();
      const start = range
        ? document.offsetAt(range.start)
        : document.offsetAt(vscode.window.activeTextEditor?.selection.active ?? new vscode.Position(0, 0));
      const end = range ? document.offsetAt(range.end) : start;
      const entries = parse(lang, text).entries;
      const entry = findPasswordEntry(entries, start, end);
      if (!entry) {
        void vscode.window.showWarningMessage('No password assignment found here.');
        return;
      }

      // Only a connection of the file's platform whose host is the file's HOST / VCHOST may own the password
      // (issue #13: a VCB password once went into an XCP-ng pool's SecretStorage).
      const connections = deps.getConnections();
      const platform = FILE_PLATFORM[lang] ?? '?';
      const host = fileHost(lang, entries);
      const matching = connectionsForHost(lang, entries, connections);
      const versionBefore = document.version;
      let name: string | undefined;
      if (matching.length === 0) {
        const draft = connectionDraft(
          lang,
          entries,
          connections.map((c) => c.name),
        );
        if (!draft || !deps.createConnection) {
          void vscode.window.showWarningMessage(
            host
              ? `No ${platform} connection has host ${host}; nothing was stored. Add one (platform: ${platform}, url: https://${host}) and run this again.`
              : 'The file names no host (HOST / VCHOST), so no connection can own its password; nothing was stored.',
          );
          return;
        }
        const create = `Create connection "${draft.name}"`;
        const choice = await vscode.window.showInformationMessage(
          `No ${platform} connection has host ${host}. Create connection "${draft.name}" (${platform}, ${draft.url}, user ${draft.username}) with this password?`,
          { modal: true },
          create,
        );
        if (choice !== create) return;
        await deps.createConnection(draft, entry.value);
        name = draft.name;
      } else {
        name =
          matching.length === 1
            ? matching[0]
            : await vscode.window.showQuickPick(matching, {
                placeHolder: `Store the password for which ${platform} connection of ${host}?`,
              });
        if (!name) return;
        if (deps.hasSecret && (await deps.hasSecret(name))) {
          const replace = `Replace ${name}'s password`;
          const ok = await vscode.window.showWarningMessage(
            `Connection "${name}" (${host}) already has a stored password. Replace it with the one from this file?`,
            { modal: true },
            replace,
          );
          if (ok !== replace) return;
        }
        await deps.storeSecret(name, entry.value);
      }

      if (document.version !== versionBefore) {
        void vscode.window.showWarningMessage(
          `Password stored for ${name}, but the file changed meanwhile; remove the line yourself.`,
        );
        return;
      }
      // Delete the whole line(s) of the statement, including the line break.
      // (statementRange may already end after the line break; never take the following line with it.)
      const s = document.positionAt(entry.statementRange.start.offset);
      const e = document.positionAt(entry.statementRange.end.offset);
      const stop =
        e.character === 0 && e.line > s.line
          ? e
          : e.line + 1 < document.lineCount
            ? new vscode.Position(e.line + 1, 0)
            : document.lineAt(e.line).range.end;
      const del = new vscode.Range(new vscode.Position(s.line, 0), stop);
      const edit = new vscode.WorkspaceEdit();
      edit.delete(document.uri, del);
      const ok = await vscode.workspace.applyEdit(edit);
      void vscode.window.showInformationMessage(
        ok
          ? `Password stored in secret storage for ${name} and removed from the file.`
          : `Password stored for ${name}, but the line could not be removed.`,
      );
    }),
  );
}
