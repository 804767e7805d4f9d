// Add a connection: platform, name, the platform's URL (its own prompt and default form), user, password
// (SecretStorage) → connections.yaml. The new connection is tried once; a certificate no CA vouches for is offered
// for pinning with its thumbprint (the Pin This Certificate… flow), before the profile is saved.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { ConnectionForm, completeUrl, urlProblem } from '../core/connectionForm';
import { escapeControlChars } from '../core/controlChars';
import { ConnectionProfile } from '../core/model';
import { PIN_ACTION, pinConfirmation, pinRequestFromError } from '../core/pinRequest';
import { mask, registerSecret } from '../core/secrets';
import { connectionForms, createProvider } from '../providers';
import { CommandContext } from '../ui/commandContext';
import { confirm } from '../ui/pickers';

const STEPS = 5;
/** How long the trial connection may take (a Manager still STARTING waits). */
const TRY_CONNECT_MS = 120_000;

async function ask(step: number, options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `Add Connection (${step}/${STEPS})`,
    ...options,
  });
  if (value === undefined) throw new CancelledError();
  return value.trim();
}

async function pickPlatform(): Promise<ConnectionForm> {
  const items = connectionForms().map((form) => ({ label: form.label, detail: form.detail, form }));
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Add Connection (1/${STEPS})`,
    placeHolder: 'Platform',
    ignoreFocusOut: true,
  });
  if (!chosen) throw new CancelledError();
  return chosen.form;
}

export async function addConnection(ctx: CommandContext): Promise<void> {
  const form = await pickPlatform();
  const taken = new Set(ctx.connections.connections.map((c) => c.name));
  const name = await ask(2, {
    prompt: `Connection name (${form.label})`,
    validateInput: (v) =>
      !v.trim() ? 'Required' : taken.has(v.trim()) ? 'A connection with this name exists' : undefined,
  });
  const typed = await ask(3, {
    prompt: form.urlPrompt,
    placeHolder: form.urlForm,
    validateInput: (v) => urlProblem(form, v),
  });
  const url = completeUrl(form, typed);
  if (!url) throw new Error(`Add Connection: ${urlProblem(form, typed)}`);
  const username = await ask(4, {
    prompt: 'User name',
    value: form.defaultUser,
    validateInput: (v) => (v.trim() ? undefined : 'Required'),
  });
  const password = await ask(5, {
    prompt: `Password for ${username} (stored in VS Code SecretStorage, never in connections.yaml)`,
    password: true,
  });
  if (!password) throw new CancelledError();
  registerSecret(password);
  const profile: ConnectionProfile = { name, platform: form.platform, url, username };
  const thumbprint = await trustedOrPinned(ctx, profile, password);
  if (thumbprint) profile.thumbprint = thumbprint;
  await ctx.connections.add(profile, password);
  ctx.log.info(mask(`connection "${name}" added (${form.label}, ${url}${thumbprint ? `, pinned ${thumbprint}` : ''})`));
  ctx.trees.infrastructure.refresh();
}

/**
 * Connects once with the new profile. A certificate that is not trusted: its thumbprint is shown with
 * Pin This Certificate…, then the pin confirmation; returns the pinned thumbprint. Another failure (wrong password,
 * unreachable) is shown and the connection is added as typed: its node in the tree shows the error.
 */
async function trustedOrPinned(
  ctx: CommandContext,
  profile: ConnectionProfile,
  password: string,
): Promise<string | undefined> {
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connecting to "${profile.name}"…`, cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        const timer = setTimeout(() => abort.abort(), TRY_CONNECT_MS);
        try {
          const provider = await createProvider(profile, { password });
          await provider.connect(abort.signal);
          await provider.disconnect().catch(() => undefined);
        } finally {
          clearTimeout(timer);
          sub.dispose();
        }
      },
    );
    return undefined;
  } catch (err) {
    const req = pinRequestFromError(err, profile.name);
    const text = escapeControlChars(mask((err as Error)?.message ?? String(err)));
    if (!req) {
      ctx.log.warn(`connection "${profile.name}": ${text}`);
      void vscode.window.showWarningMessage(`Connection "${escapeControlChars(profile.name)}" added, but: ${text}`);
      return undefined;
    }
    ctx.log.warn(`connection "${profile.name}": ${text}`);
    const choice = await vscode.window.showWarningMessage(
      `The certificate of ${escapeControlChars(req.host)} is not trusted (SHA-256 ${req.thumbprint}).`,
      { modal: true, detail: text },
      PIN_ACTION,
    );
    if (choice !== PIN_ACTION) return undefined; // added unpinned: its error node offers the pin again
    const { message, detail } = pinConfirmation(req);
    try {
      await confirm(message, detail, 'Pin Certificate');
    } catch (e) {
      if (e instanceof CancelledError) return undefined; // added unpinned: its error node offers the pin again
      throw e;
    }
    return req.thumbprint;
  }
}
