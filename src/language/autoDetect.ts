// Assigns our languages to documents the static filename patterns miss
// (config/config.js that looks like VCB, vmbackup.vcbConfigGlobs, catalog files).
import * as vscode from 'vscode';
import { detectLanguage, LanguageId, SCHEMAS } from '../formats';
import { matchesAnyGlob } from './glob';

function baseName(p: string): string {
  const n = p.replace(/\\/g, '/');
  return n.slice(n.lastIndexOf('/') + 1).toLowerCase();
}

function looksLikeVcbCatalog(text: string): boolean {
  const keys = Object.keys(SCHEMAS['vcb-catalog']?.properties ?? {}).map((k) => k.toLowerCase());
  let hits = 0;
  for (const line of text.slice(0, 100000).split(/\r?\n/, 400)) {
    const m = /^\s*([^=#\s][^=#]*?)\s*=/.exec(line);
    if (m && keys.includes(m[1].toLowerCase())) hits++;
    if (hits >= 2) return true;
  }
  return false;
}

/** The language a document should get, or undefined to leave it alone. */
export function languageToAssign(document: vscode.TextDocument): LanguageId | undefined {
  if (document.uri.scheme === 'output' || document.uri.scheme === 'vscode-settings') return undefined;
  const path = document.uri.fsPath || document.uri.path;
  const base = baseName(path);
  if (base === 'config.js' && document.languageId !== 'vcb-config-js') {
    const globs = vscode.workspace.getConfiguration('vmbackup', document.uri).get<string[]>('vcbConfigGlobs') ?? [];
    if (Array.isArray(globs) && globs.length > 0) {
      const rel = vscode.workspace.asRelativePath(document.uri, false);
      if (matchesAnyGlob(globs, [rel, path, document.uri.path])) return 'vcb-config-js';
    }
    if (detectLanguage(path, document.getText()) === 'vcb-config-js') return 'vcb-config-js';
    return undefined;
  }
  if (document.languageId === 'vcb-config-js') return undefined;
  // Extra globs may name files not called config.js too.
  const globs = vscode.workspace.getConfiguration('vmbackup', document.uri).get<string[]>('vcbConfigGlobs') ?? [];
  if (Array.isArray(globs) && globs.length > 0 && document.uri.scheme === 'file') {
    const rel = vscode.workspace.asRelativePath(document.uri, false);
    if (matchesAnyGlob(globs, [rel, path, document.uri.path])) return 'vcb-config-js';
  }
  if (base === 'catalog' && document.languageId !== 'vcb-catalog' && looksLikeVcbCatalog(document.getText())) return 'vcb-catalog';
  return undefined;
}

async function maybeAssign(document: vscode.TextDocument): Promise<void> {
  let lang: LanguageId | undefined;
  try { lang = languageToAssign(document); } catch { return; }
  if (lang && document.languageId !== lang) {
    try { await vscode.languages.setTextDocumentLanguage(document, lang); } catch { /* document closed meanwhile */ }
  }
}

export function registerAutoDetect(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => { void maybeAssign(d); }));
  for (const d of vscode.workspace.textDocuments) void maybeAssign(d);
  context.subscriptions.push(
    vscode.commands.registerCommand('vmbackup.validateAsVcbConfig', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) { void vscode.window.showInformationMessage('Open a file to validate it as a VCB config.js.'); return; }
      await vscode.languages.setTextDocumentLanguage(editor.document, 'vcb-config-js');
    }),
  );
}
