// Language support for the VCB / Oracle VM file formats: diagnostics, completion,
// hover, quick fixes, language auto-detection and the related commands.
import * as vscode from 'vscode';
import { registerAutoDetect } from './autoDetect';
import { CODE_ACTION_METADATA, codeActionProvider, registerConvertToLf } from './codeActions';
import { COMPLETION_TRIGGERS, completionProvider } from './completion';
import { registerDiagnostics } from './diagnostics';
import { hoverProvider } from './hover';
import { registerMovePassword, SecretDeps } from './movePassword';
import { LANGUAGE_SELECTOR } from './selector';
import { registerLiveValues } from './liveValues';

export { LANGUAGE_SELECTOR, DIAGNOSTIC_SOURCE } from './selector';
export { diagnosticsFor } from './diagnostics';
export { languageToAssign } from './autoDetect';
export { globToRegExp, matchesAnyGlob } from './glob';
export { MOVE_PASSWORD_COMMAND } from './movePassword';
export { setLiveValues } from './liveValues';
export type { SecretDeps } from './movePassword';

export function registerLanguageSupport(context: vscode.ExtensionContext, deps?: Partial<SecretDeps>): void {
  registerDiagnostics(context);
  registerAutoDetect(context);
  registerMovePassword(context, deps);
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(LANGUAGE_SELECTOR, completionProvider, ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(LANGUAGE_SELECTOR, hoverProvider),
    vscode.languages.registerCodeActionsProvider(LANGUAGE_SELECTOR, codeActionProvider, CODE_ACTION_METADATA),
    registerConvertToLf(),
    registerLiveValues(),
  );
}
