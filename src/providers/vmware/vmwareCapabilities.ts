import { Capabilities } from '../../core/model';

/**
 * What the vSphere provider does today: inventory and snapshots (memory snapshots of running VMs). Image backup,
 * restore and the Xen-only metadata/host backups are not offered (issue #12 builds backup and restore next).
 */
export const vmwareCapabilities: Capabilities = {
  snapshots: true, memorySnapshots: true, fullBackup: false, incrementalBackup: false, metadataBackup: false,
  hostBackup: false, restoreToAlternateLocation: false, metadataRestoreDryRun: false,
};
