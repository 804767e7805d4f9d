// Add a connection: name, URL, username, optional thumbprint, password (SecretStorage) → connections.yaml.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { ConnectionProfile } from '../core/model';
import { CommandContext } from '../ui/commandContext';

const THUMBPRINT = /^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new CancelledError();
  return value.trim();
}

export async function addConnection(ctx: CommandContext): Promise<void> {
  const taken = new Set(ctx.connections.connections.map((c) => c.name));
  const name = await ask({
    title: 'Add Connection (1/5)',
    prompt: 'Connection name',
    validateInput: (v) =>
      !v.trim() ? 'Required' : taken.has(v.trim()) ? 'A connection with this name exists' : undefined,
  });
  const url = await ask({
    title: 'Add Connection (2/5)',
    prompt: 'Pool master URL (XAPI)',
    placeHolder: 'https://xcp-master.example',
    validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'Must start with https:// or http://'),
  });
  const username = await ask({
    title: 'Add Connection (3/5)',
    prompt: 'User name',
    value: 'root',
    validateInput: (v) => (v.trim() ? undefined : 'Required'),
  });
  const thumbprint = await ask({
    title: 'Add Connection (4/5)',
    prompt:
      'Pinned certificate thumbprint (SHA-1 or SHA-256, hex with colons) — leave empty to require a CA-signed certificate',
    validateInput: (v) =>
      !v.trim() || THUMBPRINT.test(v.trim()) ? undefined : 'Hex bytes separated by colons (20 or 32 bytes)',
  });
  const password = await ask({
    title: 'Add Connection (5/5)',
    prompt: `Password for ${username} (stored in VS Code SecretStorage, never in connections.yaml)`,
    password: true,
  });
  if (!password) throw new CancelledError();
  const profile: ConnectionProfile = { name, platform: 'xen', url, username, ...(thumbprint ? { thumbprint } : {}) };
  await ctx.connections.add(profile, password);
  ctx.log.info(`connection "${name}" added (${url})`);
  ctx.trees.infrastructure.refresh();
}
