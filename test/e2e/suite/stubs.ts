// Scripted answers for the UI prompts a command shows (like vscode-azuretools' TestUserInput), and a record of the messages shown.
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';

type Win = Record<string, unknown>;
const originals = new Map<string, unknown>();

/** A scripted answer to a message: the button to press, or a function of the message and its buttons. */
export type Reply = string | ((message: string, items: string[]) => string | undefined);
export interface Shown {
  level: 'info' | 'warning' | 'error';
  message: string;
  modal: boolean;
  detail?: string;
  items: string[];
}

/** Every message shown since the last answer() call, in order. */
export const shown: Shown[] = [];

/**
 * Replaces window prompts; each call takes the next scripted answer (a function gets the prompt's items).
 * Warning and information messages take the next `confirm` reply; error messages take the next `error` reply (none: dismissed).
 */
export function answer(script: {
  input?: string[];
  pick?: Array<(items: readonly vscode.QuickPickItem[]) => unknown>;
  confirm?: Reply[];
  error?: Reply[];
}): void {
  const w = vscode.window as unknown as Win;
  const keep = (k: string) => {
    if (!originals.has(k)) originals.set(k, w[k]);
  };
  keep('showInputBox');
  keep('showQuickPick');
  keep('showWarningMessage');
  keep('showInformationMessage');
  keep('showErrorMessage');
  const input = [...(script.input ?? [])],
    pick = [...(script.pick ?? [])],
    confirm = [...(script.confirm ?? [])],
    error = [...(script.error ?? [])];
  shown.length = 0;
  const message =
    (level: Shown['level'], replies: Reply[]) =>
    async (text: string, ...rest: unknown[]) => {
      const options =
        rest[0] && typeof rest[0] === 'object' && !('title' in (rest[0] as object))
          ? (rest[0] as vscode.MessageOptions)
          : undefined;
      const items = rest
        .map((r) => (typeof r === 'string' ? r : (r as vscode.MessageItem | undefined)?.title))
        .filter((r): r is string => typeof r === 'string');
      shown.push({ level, message: text, modal: !!options?.modal, detail: options?.detail, items });
      const next = replies.shift();
      return typeof next === 'function' ? next(text, items) : next;
    };
  w.showInputBox = async () => input.shift();
  w.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    const f = pick.shift();
    return f ? f(await items) : undefined;
  };
  w.showWarningMessage = message('warning', confirm);
  w.showInformationMessage = message('info', confirm);
  w.showErrorMessage = message('error', error);
}

export function restorePrompts(): void {
  const w = vscode.window as unknown as Win;
  for (const [k, v] of originals) w[k] = v;
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The activated extension's API, once the lab connection of the e2e workspace is loaded. */
export async function labApi(): Promise<VmBackupApi> {
  const api = await vscode.extensions.getExtension<VmBackupApi>('vmbackup.vm-backup-explorer')!.activate();
  await waitFor(() => api.connections.connections.length > 0, 'the lab connection');
  return api;
}

/** JSON-RPC to the lab as another client would call it (xe, XenCenter), from the extension host. */
export async function xe(method: string, ...params: unknown[]): Promise<unknown> {
  const url = process.env.VMBACKUP_E2E_LAB_URL;
  if (!url) throw new Error('VMBACKUP_E2E_LAB_URL is set by the e2e runner');
  const r = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
  });
  const body = (await r.json()) as { result?: unknown; error?: { message: string; data: string[] } };
  if (body.error) throw new Error([body.error.message, ...body.error.data].join(' '));
  return body.result;
}
