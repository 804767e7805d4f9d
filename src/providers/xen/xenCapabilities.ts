import { Capabilities } from '../../core/model';

export const xenCapabilities: Capabilities = {
  snapshots: true,
  memorySnapshots: true,
  fullBackup: true,
  incrementalBackup: false,
  metadataBackup: true,
  hostBackup: true,
  restoreToAlternateLocation: true,
  metadataRestoreDryRun: true,
};
