// Restore a VM backup: as a new VM (MACs kept only when asked) or replacing the original; target SR; name.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { CancelledError } from '../core/errors';
import { formatBytes } from '../core/progress';
import { entryContext } from '../views/backupsTree';
import { Provider, RestoreOptions, operation } from '../core/provider';
import { defaultRestoreName } from '../core/restoreName';
import { CommandContext } from '../ui/commandContext';
import { connectionForBackup, pickBackups } from '../ui/pickers';
import { pickRestoreMode } from '../ui/restoreMode';
import { runJob } from '../ui/runJob';
import { BackupEntryNode, isNode } from '../views/nodes';

const canRestore = (n: BackupEntryNode) => /(^|;)canRestore(;|$)/.test(entryContext(n.entry));

export async function restoreVm(ctx: CommandContext, node?: BackupEntryNode): Promise<void> {
  const n =
    isNode(node, 'backup') && canRestore(node)
      ? node
      : (
          await pickBackups(ctx, 'Restore VM from backup', (e) =>
            canRestore({ kind: 'backup', key: '', root: '', entry: e, connections: [] }),
          )
        )[0];
  // Target connection: the backup's, or another of the same platform (a restore into another pool).
  const home = await connectionForBackup(ctx, n);
  const platform = ctx.connections.get(home)?.platform;
  const others = ctx.connections.connections.filter((c) => c.name !== home && c.platform === platform);
  const connection = others.length
    ? ((
        await vscode.window.showQuickPick(
          [home, ...others.map((c) => c.name)].map((c) => ({
            label: c,
            description: c === home ? "the backup's connection" : 'another pool',
          })),
          { title: `Restore "${n.entry.label}" to which connection?`, ignoreFocusOut: true },
        )
      )?.label ?? cancel())
    : home;
  const provider = await ctx.connections.provider(connection);
  const restore = operation(provider, 'restoreVm');
  const base = n.entry.vmName ?? n.entry.label;
  const original = n.entry.vmUuid ? (await provider.listVms()).find((v) => v.uuid === n.entry.vmUuid) : undefined;
  const mode = await pickRestoreMode(n.entry.label, original);
  const need = n.entry.files.reduce((t, f) => t + (f.bytes ?? 0), 0);
  const hosts = await containerNames(provider);
  const storage = await provider.listStorage();
  const sr = await vscode.window.showQuickPick(
    storage
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
      .map((s) => ({
        label: s.name,
        description: [
          s.type,
          s.shared ? 'shared' : `local to ${hosts.get(s.hostId ?? '') ?? s.hostId ?? '?'}`,
          s.freeBytes !== undefined ? `${formatBytes(s.freeBytes)} free` : '',
          s.isDefault ? 'pool default' : '',
          s.freeBytes !== undefined && s.freeBytes < need ? `too small for the backup (${formatBytes(need)})` : '',
        ]
          .filter(Boolean)
          .join(' · '),
        value: s,
      })),
    { title: `Restore "${n.entry.label}" (${formatBytes(need)}): target storage`, ignoreFocusOut: true },
  );
  if (!sr) throw new CancelledError();
  if (sr.value.freeBytes !== undefined && sr.value.freeBytes < need)
    throw new Error(
      `"${sr.value.name}" has ${formatBytes(sr.value.freeBytes)} free, the backup needs ${formatBytes(need)}: choose another SR`,
    );
  const networks = mode.replaceOriginal ? {} : await pickNetworks(provider, n);
  // Replacing keeps the original's name; a new VM is named by the user (default: the VM's name and the backup's date).
  const name = mode.replaceOriginal
    ? undefined
    : await vscode.window.showInputBox({
        title: 'Name of the restored VM',
        value: defaultRestoreName(n.entry) ?? `${base} (restored)`,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Required'),
      });
  if (!mode.replaceOriginal && !name) throw new CancelledError();
  // Start afterwards: asked on Xen (xenRestore.ts `start`, tested through this wizard); other platforms as before.
  const start =
    provider.platform === 'xen'
      ? await vscode.window.showQuickPick(
          [
            { label: 'Leave it halted', start: false },
            { label: 'Start it after the restore', start: true },
          ],
          { title: 'After the restore', ignoreFocusOut: true },
        )
      : { label: '', start: false };
  if (!start) throw new CancelledError();
  const title = mode.replaceOriginal ? `Replace ${base} with its backup` : `Restore ${base} as "${name}"`;
  const vm = await runJob(
    ctx,
    {
      title,
      kind: 'restore-vm',
      context: { connection, vm: base },
      hostKey: `${connection}/restore`,
      refresh: ['infrastructure'],
      announce: false, // the message below names the VM, SR and power state
    },
    // networks / start: Xen (xenRestore.ts); powerOn: vSphere (vmwareProvider.ts).
    (job) =>
      restore(
        n.entry,
        {
          storageId: sr.value.id,
          name: name?.trim(),
          ...mode,
          networks,
          start: start.start,
          powerOn: start.start,
        } as RestoreOptions,
        job,
      ),
  );
  if (vm)
    void vscode.window.showInformationMessage(
      `Restored "${esc(vm.name)}" on "${esc(connection)}" (${esc(sr.value.name)}): ${vm.powerState === 'suspended' ? 'Suspended, with its memory: resume it to go on' : vm.powerState === 'running' ? 'Running' : 'Halted'}.`,
    );
}

function cancel(): never {
  throw new CancelledError();
}

/** Names of the top two levels of containers (Xen: pools and hosts), by id: the host of a local SR. */
async function containerNames(provider: Provider): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const top of await provider.listChildren()) {
    if (top.type !== 'container') continue;
    names.set(top.id, top.name);
    for (const c of await provider.listChildren(top).catch(() => []))
      if (c.type === 'container') names.set(c.id, c.name);
  }
  return names;
}

/**
 * The network mapping step: each VIF the backup recorded (manifest: device, MAC, network name) → a network of the
 * target pool, the one of the same name first. A VIF whose network is missing there must be mapped (xapi's import would
 * create an isolated network, import.ml Net.handle). Returns VIF device → network id; empty when the backup names none.
 */
async function pickNetworks(provider: Provider, n: BackupEntryNode): Promise<Record<string, string>> {
  const vifs = n.entry.manifest?.source.vm?.macs?.filter((v) => v.network !== undefined) ?? [];
  if (!vifs.length || provider.platform !== 'xen') return {};
  const nets = await provider.listNetworks();
  const out: Record<string, string> = {};
  for (const v of vifs) {
    const same = nets.find((x) => x.name === v.network);
    const items = [
      ...(same ? [{ label: same.name, description: 'same name as in the backup', id: same.id }] : []),
      ...nets.filter((x) => x !== same).map((x) => ({ label: x.name, description: '', id: x.id })),
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: same
        ? `VIF ${v.device} (${v.mac}) was on "${v.network}": network on this pool`
        : `VIF ${v.device} (${v.mac}) was on "${v.network}", which this pool does not have: choose its network`,
      ignoreFocusOut: true,
    });
    if (!pick) throw new CancelledError();
    out[v.device] = pick.id;
  }
  return out;
}
