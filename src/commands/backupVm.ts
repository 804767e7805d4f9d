// Full backup of one or more VMs into the connection's repository (offered where canBackup). Where a connection's
// capabilities offer several methods (core/backupMethods.ts: Capabilities.backupMethods with their trade-offs, or
// backupFormats), the method is asked once per connection, each shown with its trade-off before anything runs; a method
// that needs the VM stopped offers to stop the running ones, a method with a warning runs only after a modal
// confirmation. With one way nothing is asked. No platform is named here.
import { offeredBackupMethods } from '../core/backupMethods';
import { BackupMethodInfo } from '../core/model';
import { BackupOptions } from '../core/provider';
import { CommandContext } from '../ui/commandContext';
import { jobPerNode } from '../ui/jobPerNode';
import { confirm, pick, pickVms, selection, withToken } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { VmNode } from '../views/nodes';

/** The method's quick-pick item: label (recommended marked), trade-off as its detail. */
const item = (m: BackupMethodInfo) => ({
  label: m.label,
  description: m.recommended ? 'recommended' : m.confirm ? 'needs confirmation' : undefined,
  detail: m.tradeOff,
  value: m,
});

/**
 * The backup options of one connection's VMs: its method (asked where several are offered), the stop of the running
 * VMs a method needs stopped (asked), the confirmation of a method's warning (modal). Cancelled (CancelledError) when
 * the user dismisses any of them.
 */
async function optionsFor(conn: string, vms: VmNode[], repository: string): Promise<BackupOptions> {
  const { noun, methods } = offeredBackupMethods(vms[0].caps);
  const opts: BackupOptions = { repository, compress: true };
  if (methods.length < 2) return opts;
  const m = await pick(methods.map(item), `Back up VMs of "${conn}": ${noun}`);
  Object.assign(opts, m.options);
  const names = vms.map((n) => n.vm.name).join(', ');
  if (m.confirm) {
    await confirm(`${m.label}: ${names}?`, `${m.confirm}\n\n${m.tradeOff}`, 'Back Up');
    opts.confirmed = true;
  }
  const running = vms.filter((n) => n.vm.powerState !== 'halted');
  if (m.needsStopped && running.length) {
    const which = running.map((n) => n.vm.name).join(', ');
    await confirm(
      `${which} ${running.length > 1 ? 'are' : 'is'} ${running[0].vm.powerState}: stop ${running.length > 1 ? 'them' : 'it'} for the backup?`,
      `${m.label} needs the VM stopped; it is started again as soon as it need not be. ${m.tradeOff}`,
      'Stop and Back Up',
    );
    opts.stop = true;
  }
  return opts;
}

export async function backupVm(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  let vms = selection<VmNode>('vm', node, selected).filter(withToken('canBackup'));
  if (!vms.length) vms = await pickVms(ctx, 'Back up VMs', withToken('canBackup'));
  const options = new Map<string, BackupOptions>();
  for (const n of vms) {
    if (options.has(n.connection)) continue;
    const repository = requireRepository(ctx, n.connection);
    const same = vms.filter((v) => v.connection === n.connection);
    options.set(n.connection, await optionsFor(n.connection, same, repository));
  }
  await jobPerNode(
    ctx,
    vms,
    'backupVm',
    'backup-vm',
    (n) => `Back up ${n.vm.name}`,
    (backup, n, job) => backup(n.vm.id, options.get(n.connection)!, job),
    ['backups'],
  );
}
