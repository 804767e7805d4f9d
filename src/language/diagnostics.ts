// Validation of open documents into a DiagnosticCollection.
import * as vscode from 'vscode';
import { validate } from '../formats';
import type { Diagnostic as FormatDiagnostic } from '../formats';
import { toVsDiagnostic, VmBackupDiagnostic } from './convert';
import { ourLanguage } from './selector';
import { encodingDiagnostics } from './encodingCheck';

export function diagnosticsFor(document: vscode.TextDocument): VmBackupDiagnostic[] {
  const lang = ourLanguage(document);
  if (!lang) return [];
  let found: FormatDiagnostic[];
  try {
    found = [...encodingDiagnostics(document, lang), ...validate(lang, document.getText())];
  } catch {
    return [];
  }
  return found.map((d) => toVsDiagnostic(document, d));
}

export const DEBOUNCE_MS = 250;

export function registerDiagnostics(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('vmbackup');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const refresh = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    const t = timers.get(key);
    if (t) {
      clearTimeout(t);
      timers.delete(key);
    }
    if (document.isClosed || !ourLanguage(document)) {
      collection.delete(document.uri);
      return;
    }
    collection.set(document.uri, diagnosticsFor(document));
  };
  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    const t = timers.get(key);
    if (t) clearTimeout(t);
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refresh(document);
      }, DEBOUNCE_MS),
    );
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidSaveTextDocument(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vmbackup.configJsEncoding'))
        for (const d of vscode.workspace.textDocuments) refresh(d);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (ourLanguage(e.document)) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      const key = document.uri.toString();
      const t = timers.get(key);
      if (t) {
        clearTimeout(t);
        timers.delete(key);
      }
      collection.delete(document.uri);
    }),
    {
      dispose: () => {
        for (const t of timers.values()) clearTimeout(t);
        timers.clear();
      },
    },
  );
  for (const document of vscode.workspace.textDocuments) refresh(document);
  return collection;
}
