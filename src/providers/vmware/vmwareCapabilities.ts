import { Capabilities } from '../../core/model';

/**
 * What the vSphere provider does today: inventory, snapshots (memory snapshots of running VMs), image backup of a VM
 * and its restore to the original or another datastore. Incremental (CBT) backups and the Xen-only metadata/host
 * backups are not offered.
 */
export const vmwareCapabilities: Capabilities = {
  snapshots: true,
  memorySnapshots: true,
  fullBackup: true,
  incrementalBackup: false,
  metadataBackup: false,
  hostBackup: false,
  restoreToAlternateLocation: true,
  metadataRestoreDryRun: false,
};
