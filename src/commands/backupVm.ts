// Full backup of one or more VMs into the connection's repository (offered where canBackup). Where a connection's
// capabilities declare more than one form (Capabilities.backupFormats: vSphere's image and OVF), the form is asked
// once per connection; with one form nothing is asked.
import { BackupFormat } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { jobPerNode } from '../ui/jobPerNode';
import { pick, pickVms, selection, withToken } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { VmNode } from '../views/nodes';

/** How each backup form is offered in the picker. */
const FORMAT_ITEMS: Record<BackupFormat, { label: string; detail: string }> = {
  image: { label: 'Image', detail: "The VM's own files (configuration, disk descriptors and extents), as they are" },
  ovf: { label: 'OVF', detail: 'An OVF package (descriptor and stream-optimized disks), restorable by OVF import' },
};

export async function backupVm(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  let vms = selection<VmNode>('vm', node, selected).filter(withToken('canBackup'));
  if (!vms.length) vms = await pickVms(ctx, 'Back up VMs', withToken('canBackup'));
  const repositories = new Map(vms.map((n) => [n.connection, requireRepository(ctx, n.connection)]));
  const formats = new Map<string, BackupFormat | undefined>();
  for (const n of vms) {
    const offered = n.caps.backupFormats ?? [];
    if (formats.has(n.connection) || offered.length < 2) continue;
    const items = offered.map((f) => ({ ...FORMAT_ITEMS[f], value: f }));
    formats.set(n.connection, await pick(items, `Back up VMs of "${n.connection}": form`));
  }
  await jobPerNode(
    ctx,
    vms,
    'backupVm',
    'backup-vm',
    (n) => `Back up ${n.vm.name}`,
    (backup, n, job) =>
      backup(
        n.vm.id,
        { repository: repositories.get(n.connection)!, compress: true, format: formats.get(n.connection) },
        job,
      ),
    ['backups'],
  );
}
