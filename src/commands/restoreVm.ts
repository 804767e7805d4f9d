// Restore a VM backup, aimed the same way on every platform: target connection, mode, storage, placement, a network
// per NIC, name, power on — each step only where the target declares it (Capabilities.restore).
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { VendorError } from '../core/errors';
import { entryContext } from '../views/backupsTree';
import { NOT_OFFERED, RestoreOptions, operation } from '../core/provider';
import { defaultRestoreName } from '../core/restoreName';
import { CommandContext } from '../ui/commandContext';
import { pickBackups } from '../ui/pickers';
import { pickRestoreMode } from '../ui/restoreMode';
import { pickRestoreConnection } from '../ui/restoreConnection';
import { pickRestoreStorage } from '../ui/restoreStorage';
import { pickRestorePlacement } from '../ui/restorePlacement';
import { pickRestoreNetworks } from '../ui/restoreNetworks';
import { pickName, pickPowerOn } from '../ui/restoreFinish';
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
  const connection = await pickRestoreConnection(ctx, n);
  const provider = await ctx.connections.provider(connection);
  const restore = operation(provider, 'restoreVm');
  const caps = provider.capabilities.restore;
  if (!caps) throw new VendorError(NOT_OFFERED, [`restore is not offered on ${provider.platform}`], { connection });
  const label = n.entry.label;
  const base = n.entry.vmName ?? label;
  const original = n.entry.vmUuid ? (await provider.listVms()).find((v) => v.uuid === n.entry.vmUuid) : undefined;
  const mode = await pickRestoreMode(label, original, caps.modes);
  const replace = mode === 'replace';
  const storage = await pickRestoreStorage(provider, n.entry, caps);
  const placement = replace ? {} : await pickRestorePlacement(provider, caps, label);
  const networkMap = replace ? {} : await pickRestoreNetworks(provider, n.entry, caps);
  // Replacing keeps the original's name; a new VM is named by the user (default: the VM's name and the backup's date).
  const name = replace ? undefined : await pickName(defaultRestoreName(n.entry) ?? `${base} (restored)`);
  const powerOn = caps.powerOn ? await pickPowerOn() : false;
  const opts: RestoreOptions = {
    storageId: storage.id,
    ...(Object.keys(placement).length ? { placement } : {}),
    ...(Object.keys(networkMap).length ? { networkMap } : {}),
    name,
    mode,
    powerOn,
  };
  const title = replace ? `Replace ${base} with its backup` : `Restore ${base} as "${name}"`;
  const vm = await runJob(
    ctx,
    {
      title,
      kind: 'restore-vm',
      context: { connection, vm: base },
      hostKey: `${connection}/restore`,
      refresh: ['infrastructure'],
      announce: false, // the message below names the VM, storage and power state
    },
    (job) => restore(n.entry, opts, job),
  );
  if (vm)
    void vscode.window.showInformationMessage(
      `Restored "${esc(vm.name)}" on "${esc(connection)}" (${esc(storage.name)}): ${vm.powerState === 'suspended' ? 'Suspended, with its memory: resume it to go on' : vm.powerState === 'running' ? 'Running' : 'Halted'}.`,
    );
}
