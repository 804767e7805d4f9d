// CodeActionProvider: quick fixes from quickFixesFor() for our diagnostics.
import * as vscode from 'vscode';
import { Diagnostic, QuickFix, quickFixesFor, Severity } from '../formats';
import { fromVsRange, toVsRange, VmBackupDiagnostic } from './convert';
import { DIAGNOSTIC_SOURCE, ourLanguage } from './selector';
import { CONVERT_TO_LF_COMMAND, MOVE_PASSWORD_COMMAND, RegisterCommand } from './languageCommands';
import { REOPEN_WITH_ENCODING } from './encodingCheck';

export { CONVERT_TO_LF_COMMAND };

/** Sets a document's line endings to LF (what bash needs), as the status bar's CRLF/LF switch does. */
export function registerConvertToLf(
  registerCommand: RegisterCommand = vscode.commands.registerCommand,
): vscode.Disposable {
  return registerCommand(CONVERT_TO_LF_COMMAND, async (uri: vscode.Uri) => {
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    return editor.edit((b) => b.setEndOfLine(vscode.EndOfLine.LF));
  });
}

function toFormatDiagnostic(document: vscode.TextDocument, d: VmBackupDiagnostic): Diagnostic {
  if (d.formatDiagnostic) return d.formatDiagnostic;
  const severity: Severity =
    d.severity === vscode.DiagnosticSeverity.Error
      ? 'error'
      : d.severity === vscode.DiagnosticSeverity.Warning
        ? 'warning'
        : 'information';
  const code = typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? '');
  return { range: fromVsRange(document, d.range), severity, message: d.message, code };
}

export const codeActionProvider: vscode.CodeActionProvider = {
  provideCodeActions(document, _range, context) {
    const lang = ourLanguage(document);
    if (!lang) return undefined;
    const text = document.getText();
    const actions: vscode.CodeAction[] = [];
    for (const vd of context.diagnostics as readonly VmBackupDiagnostic[]) {
      if (vd.source !== DIAGNOSTIC_SOURCE) continue;
      const d = toFormatDiagnostic(document, vd);
      let fixes: QuickFix[];
      try {
        fixes = quickFixesFor(lang, text, d);
      } catch {
        fixes = [];
      }
      for (const f of fixes) {
        const action = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
        // VS Code keeps a document's line endings on edits: "Convert to LF" is an end-of-line change (a command).
        if (f.eol === 'lf')
          action.command = { command: CONVERT_TO_LF_COMMAND, title: f.title, arguments: [document.uri] };
        else {
          action.edit = new vscode.WorkspaceEdit();
          action.edit.replace(document.uri, toVsRange(document, f.range), f.newText);
        }
        action.diagnostics = [vd];
        if (fixes.length === 1) action.isPreferred = true;
        actions.push(action);
      }
      if (d.code === 'encoding-mismatch') {
        const reopen = new vscode.CodeAction(
          `Reopen with Encoding (${String(d.data?.vscodeEncoding ?? '')})`,
          vscode.CodeActionKind.QuickFix,
        );
        reopen.command = { command: REOPEN_WITH_ENCODING, title: reopen.title };
        reopen.diagnostics = [vd];
        actions.push(reopen);
      }
      if (d.code === 'bom-hidden') {
        const save = new vscode.CodeAction('Save with Encoding… (UTF-8 without BOM)', vscode.CodeActionKind.QuickFix);
        save.command = { command: 'workbench.action.editor.changeEncoding', title: save.title };
        save.diagnostics = [vd];
        actions.push(save);
      }
      if (d.code === 'plaintext-password') {
        const move = new vscode.CodeAction('Move password to secret storage', vscode.CodeActionKind.QuickFix);
        move.command = { command: MOVE_PASSWORD_COMMAND, title: move.title, arguments: [document.uri, vd.range] };
        move.diagnostics = [vd];
        actions.push(move);
      }
    }
    return actions;
  },
};

export const CODE_ACTION_METADATA: vscode.CodeActionProviderMetadata = {
  providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
};
