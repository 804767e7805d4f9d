// Scripted answers for the UI prompts a command shows (like vscode-azuretools' TestUserInput).
import * as vscode from 'vscode';

type Win = Record<string, unknown>;
const originals = new Map<string, unknown>();

/** Replaces window prompts; each call takes the next scripted answer (a function gets the prompt's items). */
export function answer(script: { input?: string[]; pick?: Array<(items: readonly vscode.QuickPickItem[]) => unknown>; confirm?: string[] }): void {
  const w = vscode.window as unknown as Win;
  const keep = (k: string) => { if (!originals.has(k)) originals.set(k, w[k]); };
  keep('showInputBox'); keep('showQuickPick'); keep('showWarningMessage'); keep('showInformationMessage');
  const input = [...(script.input ?? [])], pick = [...(script.pick ?? [])], confirm = [...(script.confirm ?? [])];
  w.showInputBox = async () => input.shift();
  w.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => { const f = pick.shift(); return f ? f(await items) : undefined; };
  w.showWarningMessage = async () => confirm.shift();
  w.showInformationMessage = async () => confirm.shift();
}

export function restorePrompts(): void {
  const w = vscode.window as unknown as Win;
  for (const [k, v] of originals) w[k] = v;
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
