// What the Oracle VM provider can do today.
import { Capabilities } from '../../core/model';
import { ovmBackupMethods } from './ovmBackupOptions';

/**
 * OVM 3.x has no VM snapshots (protocols.md §2.5). VM backup by the guide §12.2 methods (backupMethods: cold clone, the
 * stopped VM's files, hot clone on OCFS2 after a confirmation; each copied over SFTP, ovmBackup.ts; the OVA export
 * through the Manager CLI, ovmOvaExport.ts, only on a connection with `managerHost.cliPort`/`cliHostKey`) and restore as a new VM into a chosen repository and server pool
 * (ovmRestore.ts) work. A repository's contents (ovmStorage.ts) and the
 * Manager's jobs (ovmJobList.ts) are listed. No incremental backup; the Manager's own backup (§12.1) is not declared here.
 */
export const ORACLEVM_CAPABILITIES: Capabilities = ovmCapabilities({});

/** The capabilities of one connection: the OVA export is declared only with the Manager CLI (`cli`). */
export function ovmCapabilities(o: { cli?: boolean }): Capabilities {
  return {
    consolidate: false,
    fullBackup: true,
    incrementalBackup: false,
    metadataBackups: [],
    restoreToAlternateLocation: true,
    // ovmRestore.ts: a repository (required), a server pool, a network per vif, the Manager's Vm start afterwards.
    restore: {
      storage: 'repository',
      nic: 'VIF',
      storageRequired: true,
      containers: ['serverPool'],
      resourcePool: false,
      folder: false,
      networkMapping: true,
      powerOn: true,
      modes: ['new', 'keepMacs'],
    },
    resetPowerState: false,
    backupMethods: ovmBackupMethods(o),
    storageContents: true,
    platformJobs: { label: 'Manager jobs' },
  };
}
