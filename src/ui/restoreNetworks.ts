// The wizard's network step: each NIC the backup recorded (manifest) → a network of the target connection, the one of
// the same name offered first; a NIC whose network the target lacks is said in the step's title, before the import.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { RestoreCapabilities } from '../core/model';
import { Provider } from '../core/provider';
import { CatalogEntry } from '../core/repository';
import { backupNics, planNics } from '../core/restoreNetworks';

/**
 * One step per NIC of `entry` (core/restoreNetworks.ts backupNics): the planned network first (same name, or same
 * bridge), marked so, then every other network. Returns NIC key → network id; empty when the backup names no NIC
 * (older backups: the provider then matches by name and refuses a missing network before the upload).
 */
export async function pickRestoreNetworks(
  provider: Provider,
  entry: CatalogEntry,
  caps: RestoreCapabilities,
): Promise<Record<string, string>> {
  const nics = backupNics(entry).filter((n) => n.network !== undefined || n.bridge !== undefined);
  if (!nics.length || !caps.networkMapping) return {};
  const nets = await provider.listNetworks();
  const plan = planNics(nics, nets, {}, entry.label, caps.nic);
  const out: Record<string, string> = {};
  for (const p of plan) {
    const first = p.to;
    const items = [
      ...(first
        ? [
            {
              label: esc(first.name),
              description:
                p.how === 'same name'
                  ? 'same name as in the backup'
                  : `same ${p.how.replace('same ', '')} as in the backup`,
              id: first.id,
            },
          ]
        : []),
      ...nets
        .filter((x) => x !== first)
        .map((x) => ({
          label: esc(x.name),
          description: esc([x.type, x.bridge, x.isolated ? 'isolated' : ''].filter(Boolean).join(' · ')),
          id: x.id,
        })),
    ];
    const what = `${caps.nic} ${p.key}${p.mac ? ` (${p.mac})` : ''}`;
    const pick = await vscode.window.showQuickPick(items, {
      title: esc(
        first
          ? `${what} was on "${p.from ?? first.name}": network on this connection`
          : `${what} was on "${p.from ?? '?'}", which this connection does not have: choose its network`,
      ),
      ignoreFocusOut: true,
    });
    if (!pick) throw new CancelledError();
    out[p.key] = pick.id;
  }
  return out;
}
