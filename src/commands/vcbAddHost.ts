// Add VCB Host…: an ESX service console or Linux backup proxy reached over SSH, added to a VMware connection's
// vcbHosts with its SSH host key pinned on first use (the fingerprint shown in a modal, as Pin This Certificate…).
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { VcbHostProfile } from '../core/model';
import { CommandContext } from '../ui/commandContext';
import { pick } from '../ui/pickers';
import { confirmAndPinHostKey } from '../ui/vcbHostKey';
import { ConnectionNode } from '../views/nodes';
import { vcbHostId } from '../views/vcbNodeTypes';

async function ask(title: string, prompt: string, value: string, check: (v: string) => string | undefined) {
  const v = await vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: check });
  if (v === undefined) throw new CancelledError();
  return v.trim();
}

export async function vcbAddHost(ctx: CommandContext, node?: ConnectionNode): Promise<VcbHostProfile> {
  const vmware = ctx.connections.connections.filter((c) => c.platform === 'vmware');
  const connection =
    node?.kind === 'connection'
      ? node.connection
      : vmware.length === 1
        ? vmware[0].name
        : await pick(
            vmware.map((c) => ({ label: c.name, description: c.url, value: c.name })),
            'Add VCB Host to which VMware connection?',
          );
  const profile = ctx.connections.get(connection);
  if (profile?.platform !== 'vmware')
    throw new Error(`connection "${connection}": VCB hosts belong to VMware connections`);
  const title = `Add VCB Host to "${connection}"`;
  const host = await ask(title, 'SSH host of the ESX service console or backup proxy', '', (v) =>
    /^[^\s/@:]+$/.test(v.trim()) ? undefined : 'a host name or address (no spaces, "/", "@" or ":")',
  );
  const port = Number(
    await ask(title, 'SSH port', '22', (v) => (/^\d+$/.test(v) && +v > 0 && +v < 65536 ? undefined : '1–65535')),
  );
  const username = await ask(title, 'SSH user (root on a service console)', 'root', (v) =>
    /^[^\s:@]+$/.test(v.trim()) ? undefined : 'a user name',
  );
  const keyFile = await ask(
    title,
    'Private key file for SSH (empty: the SSH password, asked once and kept in SecretStorage)',
    '',
    () => undefined,
  );
  const draft: VcbHostProfile = { host, port, username, ...(keyFile ? { privateKeyFile: keyFile } : {}) };
  if ((profile.vcbHosts ?? []).some((h) => vcbHostId(h) === vcbHostId(draft)))
    throw new Error(`connection "${connection}" already has VCB host ${vcbHostId(draft)}`);
  const fingerprint = await ctx.vcb.presentedHostKey(connection, draft);
  const added = await confirmAndPinHostKey(ctx, connection, draft, fingerprint, 'Pin Host Key and Add');
  ctx.trees.infrastructure.refreshConnection(connection);
  return added;
}
