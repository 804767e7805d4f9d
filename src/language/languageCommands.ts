// The commands of the language support, known at activation without loading it (onDemand.ts registers a stub for
// each; the language support, loaded on the first document of our languages or the first such command, hands its
// handlers to those stubs through a RegisterCommand).
import type * as vscode from 'vscode';

/** Moves a plaintext password of a config file into SecretStorage (movePassword.ts). */
export const MOVE_PASSWORD_COMMAND = 'vmbackup.movePasswordToSecretStorage';
/** Sets a document's line endings to LF (codeActions.ts). */
export const CONVERT_TO_LF_COMMAND = 'vmbackup.convertToLf';
/** Gives the active document the vcb-config-js language (autoDetect.ts). */
export const VALIDATE_AS_VCB_CONFIG_COMMAND = 'vmbackup.validateAsVcbConfig';

/** Every command id the language support registers. */
export const LANGUAGE_COMMAND_IDS = [MOVE_PASSWORD_COMMAND, CONVERT_TO_LF_COMMAND, VALIDATE_AS_VCB_CONFIG_COMMAND];

/** How the language support registers a command: `vscode.commands.registerCommand`, or onDemand.ts's stubs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RegisterCommand = (id: string, handler: (...args: any[]) => unknown) => vscode.Disposable;
