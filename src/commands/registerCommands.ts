// The one place command ids are bound to their handlers; every handler runs inside the shared error policy.
// Activation registers a stub per command id; the handlers (commandTable.ts, dist/commands.js in the build) are
// loaded by the first command that runs, so the tree paints without compiling them.
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { handleErrors } from '../ui/handleErrors';
import { COMMAND_IDS } from './commandIds';

/** The handlers, loaded once (the first command run), shared by every stub. */
let table: Promise<typeof import('./commandTable')> | undefined;
const handlers = () => (table ??= import('./commandTable'));

/** Registers every command; a command's handler is loaded when it first runs. Returns the registrations. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return COMMAND_IDS.map((id) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) =>
      handleErrors(ctx.log, id, async () => (await handlers()).COMMANDS[id](ctx, ...args)),
    ),
  );
}
