// One error policy for every command: user cancel → silent; anything else → logged (masked) + one message.
import * as vscode from 'vscode';
import { escapeControlChars } from '../core/controlChars';
import { VendorError, isCancel } from '../core/errors';
import { mask } from '../core/secrets';

export function errorText(err: unknown): string {
  const e = err as Error | undefined;
  return mask(e?.message ?? String(err));
}

export async function handleErrors<T>(
  log: vscode.LogOutputChannel,
  command: string,
  fn: () => Promise<T> | T,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isCancel(err)) {
      log.debug(`${command}: cancelled`);
      return undefined;
    }
    const text = errorText(err);
    log.error(
      `${command}: ${text}${err instanceof VendorError ? '' : (err as Error)?.stack ? '\n' + mask((err as Error).stack!) : ''}`,
    );
    void vscode.window.showErrorMessage(escapeControlChars(text));
    return undefined;
  }
}
