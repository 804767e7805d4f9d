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
import { RegisterCommand } from './languageCommands';

export { LANGUAGE_SELECTOR, DIAGNOSTIC_SOURCE } from './selector';
export { diagnosticsFor } from './diagnostics';
export { languageToAssign } from './autoDetect';
export { globToRegExp, matchesAnyGlob } from './glob';
export { MOVE_PASSWORD_COMMAND } from './movePassword';
export { setLiveValues } from './liveValues';
export type { SecretDeps } from './movePassword';

/**
 * Registers diagnostics, completion, hover, quick fixes and language detection (each processes the documents already
 * open), and the language commands through `registerCommand` (onDemand.ts passes its stubs' registrar).
 */
export function registerLanguageSupport(
  context: vscode.ExtensionContext,
  deps?: Partial<SecretDeps>,
  registerCommand: RegisterCommand = vscode.commands.registerCommand,
): void {
  registerDiagnostics(context);
  registerAutoDetect(context, registerCommand);
  registerMovePassword(context, deps, registerCommand);
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(LANGUAGE_SELECTOR, completionProvider, ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(LANGUAGE_SELECTOR, hoverProvider),
    vscode.languages.registerCodeActionsProvider(LANGUAGE_SELECTOR, codeActionProvider, CODE_ACTION_METADATA),
    registerConvertToLf(registerCommand),
    registerLiveValues(),
  );
}
