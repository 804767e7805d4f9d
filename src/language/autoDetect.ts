// Assigns our languages to documents the static filename patterns miss
// (config/config.js that looks like VCB, vmbackup.vcbConfigGlobs, catalog files).
import * as vscode from 'vscode';
import { detectLanguage, LanguageId, looksLikeVcbCatalog as hasCatalogVmxLine, SCHEMAS } from '../formats';
import { matchesAnyGlob } from './glob';
import { RegisterCommand, VALIDATE_AS_VCB_CONFIG_COMMAND } from './languageCommands';

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

function matchesConfigGlobs(document: vscode.TextDocument, path: string): boolean {
  const globs = vscode.workspace.getConfiguration('vmbackup', document.uri).get<string[]>('vcbConfigGlobs') ?? [];
  if (!Array.isArray(globs) || globs.length === 0) return false;
  const rel = vscode.workspace.asRelativePath(document.uri, false);
  return matchesAnyGlob(globs, [rel, path, document.uri.path]);
}

/** The language a document should get, or undefined to leave it alone. */
export function languageToAssign(document: vscode.TextDocument): LanguageId | undefined {
  if (document.uri.scheme === 'output' || document.uri.scheme === 'vscode-settings') return undefined;
  const path = document.uri.fsPath || document.uri.path;
  const base = baseName(path);
  if (base === 'config.js' && document.languageId !== 'vcb-config-js') {
    if (matchesConfigGlobs(document, path)) return 'vcb-config-js';
    if (detectLanguage(path, document.getText()) === 'vcb-config-js') return 'vcb-config-js';
    return undefined;
  }
  if (document.languageId === 'vcb-config-js') return undefined;
  // Extra globs may name files not called config.js too.
  if (document.uri.scheme === 'file' && matchesConfigGlobs(document, path)) return 'vcb-config-js';
  if (base === 'catalog' && document.languageId !== 'vcb-catalog' && looksLikeVcbCatalog(document.getText()))
    return 'vcb-catalog';
  // An edited copy of a catalog (for vcbRestore -a), named anything: recognised by its config.vmx= line.
  if (document.languageId === 'plaintext' && hasCatalogVmxLine(document.getText())) return 'vcb-catalog';
  return undefined;
}

/** Documents that are vcb-config-js only because a vmbackup.vcbConfigGlobs pattern matched them. */
const assignedByGlob = new Set<string>();

async function maybeAssign(document: vscode.TextDocument): Promise<void> {
  let lang: LanguageId | undefined;
  try {
    lang = languageToAssign(document);
  } catch {
    return;
  }
  const path = document.uri.fsPath || document.uri.path;
  if (lang && document.languageId !== lang) {
    const byGlob = lang === 'vcb-config-js' && detectLanguage(path, document.getText()) !== 'vcb-config-js';
    try {
      await vscode.languages.setTextDocumentLanguage(document, lang);
      if (byGlob) assignedByGlob.add(document.uri.toString());
    } catch {
      /* document closed meanwhile */
    }
    return;
  }
  // A glob that no longer matches gives the document its ordinary language back.
  const key = document.uri.toString();
  if (document.languageId === 'vcb-config-js' && assignedByGlob.has(key) && !matchesConfigGlobs(document, path)) {
    assignedByGlob.delete(key);
    try {
      await vscode.languages.setTextDocumentLanguage(document, /\.js$/i.test(path) ? 'javascript' : 'plaintext');
    } catch {
      /* closed */
    }
  }
}

/** Assigns our languages to open and opened documents; registers Validate as VCB config.js through `registerCommand`. */
export function registerAutoDetect(
  context: vscode.ExtensionContext,
  registerCommand: RegisterCommand = vscode.commands.registerCommand,
): void {
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => {
      void maybeAssign(d);
    }),
    // Changing the globs re-runs detection on every open document (diagnostics follow the language change).
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vmbackup.vcbConfigGlobs'))
        for (const d of vscode.workspace.textDocuments) void maybeAssign(d);
    }),
  );
  for (const d of vscode.workspace.textDocuments) void maybeAssign(d);
  context.subscriptions.push(
    registerCommand(VALIDATE_AS_VCB_CONFIG_COMMAND, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Open a file to validate it as a VCB config.js.');
        return;
      }
      assignedByGlob.delete(editor.document.uri.toString());
      await vscode.languages.setTextDocumentLanguage(editor.document, 'vcb-config-js');
    }),
  );
}
