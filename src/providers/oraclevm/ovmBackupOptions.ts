// The VM backup options of Oracle VM 3.4 guide §12.2 (Table 12.1), each with the guide's advantages and disadvantages,
// shown before the option runs (CLI: printed; VS Code: the picker's detail). Wording translated from
// seeds/oracle-vm-3.4-backup-restore.ja.txt §12.2.

import { BackupMethodInfo } from '../../core/model';

/** How the product backs up an Oracle VM VM (guide §12.2, Table 12.1). */
export type OvmBackupMethod = 'cold-clone' | 'copy-stopped' | 'hot-clone' | 'ova-export';

/** One option as the UI shows it before it runs. */
export interface OvmBackupOptionInfo {
  method: OvmBackupMethod;
  label: string;
  /** What the product does, step by step. */
  steps: string;
  /** The guide's advantages and disadvantages (Table 12.1). */
  advantages: string[];
  disadvantages: string[];
  /** The guide recommends it (the two methods after Table 12.1). */
  recommended: boolean;
  /** false: shown for completeness, the product does not run it (`why`). */
  available: boolean;
  why?: string;
  /** Must be confirmed explicitly before it runs (CLI --confirm-hot-clone). */
  needsConfirmation?: string;
}

/** The guide's paragraph before the table: a running VM's backup is like a database backed up without backup mode. */
export const RUNNING_VM_WARNING =
  'A backup of a running virtual machine lets it keep running, but does not give a consistent backup that is easy to restore: like backing up a running database without putting its tablespaces in backup or read-only mode, the first blocks read may not be in sync with the last, and restoring it may fail on disk errors (guide §12.2).';

const OPTIONS: OvmBackupOptionInfo[] = [
  {
    method: 'cold-clone',
    label: 'Cold clone, then back up the clone’s files',
    steps:
      'Stop the VM (when asked), clone it into a backup repository through a clone customizer that copies each virtual disk there (SPARSE_COPY; Manager jobs), copy the clone’s vm.cfg and disk images from the repository over SFTP into the backup repository folder, then delete the clone and the customizer.',
    advantages: ['The virtual disks are consistent.'],
    disadvantages: ['The virtual machine must be stopped.'],
    recommended: true,
    available: true,
  },
  {
    method: 'copy-stopped',
    label: 'Copy the stopped VM’s files from its repository',
    steps:
      'Stop the VM (when asked), copy its vm.cfg and disk images from its repository over SFTP. The VM must stay stopped until the copy ends (it is checked again at the end).',
    advantages: ['The virtual disks are consistent.'],
    disadvantages: ['The virtual machine must be stopped (for the whole copy).'],
    recommended: true,
    available: true,
  },
  {
    method: 'hot-clone',
    label: 'Hot clone of the running VM, then back up the clone’s files',
    steps:
      'Clone the running VM through a clone customizer that thin-clones each virtual disk (THIN_CLONE: an OCFS2 reflink, in the disk’s own repository unless another is given; the Manager allows a hot clone only on OCFS2, iSCSI or Fibre Channel storage, Concepts Guide §7.6), copy the clone’s vm.cfg and disk images over SFTP, then delete the clone and the customizer.',
    advantages: ['The virtual machine keeps running.'],
    disadvantages: [
      'The virtual disks are inconsistent: they must be recovered with a disk repair utility.',
      'Data may be lost or corrupted.',
      'Only on OCFS2-based file systems (iSCSI or Fibre Channel storage).',
      'Do not use it for a virtual machine running Oracle Database (use rman or similar instead).',
    ],
    recommended: false,
    available: true,
    needsConfirmation:
      'The Manager thin-clones (THIN_CLONE) the disks of the running VM: the clone’s disks will be inconsistent, they must be recovered with a disk repair utility, and data may be lost or corrupted. Never use it for a VM running Oracle Database (use rman or similar instead). Only on OCFS2 repositories (iSCSI or Fibre Channel storage).',
  },
  {
    method: 'ova-export',
    label: 'Export as a virtual appliance (OVA)',
    steps:
      'Stop the VM (when asked), have the Manager export it as a virtual appliance into a repository (Manager CLI exportVirtualAppliance, a Manager job), copy the new .ova package from the repository’s Assemblies folder over SFTP (its tar layout and .mf digests checked as it streams), then delete the appliance.',
    advantages: [
      'One portable OVF package (the .ovf descriptor, its manifest and the disks) that other OVF tools can read.',
      'The virtual disks are consistent.',
    ],
    disadvantages: [
      'The virtual machine must be stopped (for the whole export).',
      'A full copy of every disk: the repository needs room for the package, and the backup repository as much again, for the time of the copy.',
    ],
    recommended: false,
    available: true,
  },
];

/** Why the OVA export is not offered on a connection without the Manager CLI. */
export const OVA_NEEDS_CLI =
  'the Manager exports a virtual appliance on its CLI (exportVirtualAppliance, Oracle VM CLI reference A.106; no REST call for it is published): give the connection managerHost.cliPort (the Manager CLI’s SSH port, 10000) and managerHost.cliHostKey (its pinned SHA256 key)';

/**
 * The options with their trade-offs, in the guide's order of preference; `available` says which the product runs on a
 * connection: the OVA export only with the Manager CLI (`cli`, managerCli.managerCliAccess), else with `why`.
 */
export function describeBackupOptions(o: { cli?: boolean } = {}): OvmBackupOptionInfo[] {
  return OPTIONS.map((x) => ({
    ...x,
    advantages: [...x.advantages],
    disadvantages: [...x.disadvantages],
    ...(x.method === 'ova-export' && !o.cli ? { available: false, why: OVA_NEEDS_CLI } : {}),
  }));
}

/** One option's text as printed before it runs: label, steps, advantages (+) and disadvantages (−). */
export function tradeOffText(method: OvmBackupMethod): string {
  const o = OPTIONS.find((x) => x.method === method);
  if (!o) throw new Error(`unknown Oracle VM backup method "${method}"`);
  return [
    `${o.label}${o.recommended ? ' (recommended by the guide, §12.2)' : ''}: ${o.steps}`,
    ...o.advantages.map((a) => `  + ${a}`),
    ...o.disadvantages.map((d) => `  - ${d}`),
  ].join('\n');
}

/**
 * The options the product runs on a connection, as Capabilities.backupMethods declares them (the Back Up VM picker
 * shows label and trade-off before it runs): the cold clone, the copy and the OVA export need the VM stopped (a
 * running one is offered to be stopped), the hot clone needs its warning confirmed. The OVA export only with the
 * Manager CLI (`cli`), else absent (describeBackupOptions gives its `why`).
 */
export function ovmBackupMethods(o: { cli?: boolean } = {}): BackupMethodInfo[] {
  return describeBackupOptions(o)
    .filter((o) => o.available)
    .map((o) => ({
      id: o.method,
      label: o.label,
      tradeOff: [...o.advantages.map((a) => `+ ${a}`), ...o.disadvantages.map((d) => `− ${d}`)].join('  '),
      options: { method: o.method },
      recommended: o.recommended,
      needsStopped: o.method !== 'hot-clone',
      confirm: o.needsConfirmation,
    }));
}
