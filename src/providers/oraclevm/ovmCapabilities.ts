// What the Oracle VM provider can do today.
import { Capabilities } from '../../core/model';

/**
 * OVM 3.x has no VM snapshots (protocols.md §2.5). VM backup (guide §12.2: cold clone, or the stopped VM's files,
 * copied over SFTP; ovmBackup.ts) and restore as a new VM into a chosen repository and server pool (ovmRestore.ts)
 * work. A repository's contents (ovmStorage.ts) and the Manager's jobs (ovmJobList.ts) are listed. No incremental backup; the Manager's own backup (§12.1) is not declared here.
 */
export const ORACLEVM_CAPABILITIES: Capabilities = {
  consolidate: false,
  fullBackup: true,
  incrementalBackup: false,
  metadataBackups: [],
  restoreToAlternateLocation: true,
  resetPowerState: false,
  storageContents: true,
  platformJobs: { label: 'Manager jobs' },
};
