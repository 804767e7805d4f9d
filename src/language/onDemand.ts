// Activation's part of the language support: nothing of it is loaded until a document may need it. The support
// itself (index.ts: diagnostics, completion, hover, quick fixes, language detection; dist/language.js in the build) is
// loaded by the first document that is of our languages or that detection may give one of them, by a change of
// vmbackup.vcbConfigGlobs, or by the first run of one of its commands (registered here as stubs).
import * as vscode from 'vscode';
import { LANGUAGE_IDS } from '../formats/types';
import type { SecretDeps } from './movePassword';
import { LANGUAGE_COMMAND_IDS } from './languageCommands';

/** Whether the language support may act on `document` (autoDetect.ts's candidates included): then it is loaded. */
export function mayNeedLanguageSupport(document: vscode.TextDocument): boolean {
  if (document.uri.scheme === 'output' || document.uri.scheme === 'vscode-settings') return false;
  if ((LANGUAGE_IDS as readonly string[]).includes(document.languageId)) return true;
  // Detection looks at config.js and catalog files, at plaintext (an edited catalog copy) and, when the user set
  // vmbackup.vcbConfigGlobs, at any file.
  const path = document.uri.path.toLowerCase();
  if (/(^|\/)(config\.js|catalog)$/.test(path) || document.languageId === 'plaintext') return true;
  const globs = vscode.workspace.getConfiguration('vmbackup', document.uri).get<unknown>('vcbConfigGlobs');
  return Array.isArray(globs) && globs.length > 0;
}

/**
 * Registers the language commands as stubs and loads the language support when a document may need it (see the
 * header). `log` gets a failure to load it. Returns the load, for tests and for a caller that needs it now.
 */
export function registerLanguageSupportOnDemand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  deps?: Partial<SecretDeps>,
): () => Promise<void> {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= import('./index').then((support) => {
      waiting.dispose();
      support.registerLanguageSupport(context, deps, (id, handler) => {
        handlers.set(id, handler);
        return { dispose: () => handlers.delete(id) };
      });
    }));
  const loadNow = () =>
    void load().catch((e: Error) => log.error(`language support failed to load: ${e.message ?? String(e)}`));
  const waiting = vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (mayNeedLanguageSupport(d)) loadNow();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vmbackup.vcbConfigGlobs')) loadNow();
    }),
  );
  context.subscriptions.push(
    waiting,
    ...LANGUAGE_COMMAND_IDS.map((id) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        await load();
        const handler = handlers.get(id);
        if (!handler) throw new Error(`${id}: the language support registered no such command`);
        return handler(...args);
      }),
    ),
  );
  if (vscode.workspace.textDocuments.some(mayNeedLanguageSupport)) loadNow();
  return load;
}
