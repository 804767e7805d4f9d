// The wizard's placement steps, only those the target platform declares (Capabilities.restore): the container (vSphere
// host or cluster, Oracle VM server pool), then vSphere's resource pool (of the container chosen) and VM folder. Each
// step starts with "where it was" (the provider's default), so a user who does not care just presses Enter.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { PLACEMENT_WORDS as WORDS, PlacementChoice, RestoreCapabilities } from '../core/model';
import { Provider, RestorePlacement } from '../core/provider';

type Item = vscode.QuickPickItem & { value?: PlacementChoice };

async function ask(title: string, dflt: string, choices: PlacementChoice[]): Promise<PlacementChoice | undefined> {
  const items: Item[] = [
    { label: dflt, description: 'default' },
    ...choices.map((c) => ({
      label: esc(c.name),
      description: esc([WORDS[c.kind], c.path, c.detail].filter(Boolean).join(' · ')),
      value: c,
    })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: esc(title), ignoreFocusOut: true });
  if (!pick) throw new CancelledError();
  return pick.value;
}

/**
 * Asks the placement steps `caps` declares, for a restore of `label`; returns the RestorePlacement (empty: every
 * default). Nothing is asked where the platform declares no step (Xen: the pool is the connection).
 */
export async function pickRestorePlacement(
  provider: Provider,
  caps: RestoreCapabilities,
  label: string,
): Promise<RestorePlacement> {
  if (!caps.containers.length && !caps.resourcePool && !caps.folder) return {};
  const choices = (await provider.listPlacement?.()) ?? [];
  const out: RestorePlacement = {};
  if (caps.containers.length) {
    const kinds = caps.containers.map((k) => WORDS[k]).join(' or ');
    const c = await ask(
      `Restore "${label}": ${kinds}`,
      `Where it was (the backed-up VM's ${kinds})`,
      choices.filter((x) => (caps.containers as string[]).includes(x.kind)),
    );
    if (c) out.container = { kind: c.kind as 'host' | 'cluster' | 'serverPool', id: c.id };
  }
  if (caps.resourcePool) {
    const pools = choices.filter((x) => x.kind === 'resourcePool');
    const r = await ask(
      `Restore "${label}": resource pool`,
      'The root resource pool of that host or cluster',
      out.container ? pools.filter((p) => p.within?.includes(out.container!.id)) : pools,
    );
    if (r) out.resourcePoolId = r.id;
  }
  if (caps.folder) {
    const f = await ask(
      `Restore "${label}": VM folder`,
      "The datacenter's VM folder",
      choices.filter((x) => x.kind === 'folder'),
    );
    if (f) out.folderId = f.id;
  }
  return out;
}
