// What the Oracle VM provider can do today (the rest of issue #15 is not built yet).
import { Capabilities } from '../../core/model';

/**
 * OVM 3.x has no VM snapshots (protocols.md §2.5); backup (clone + repository copy over SFTP), restore (import) and the
 * Manager's own backup are not implemented yet: nothing is declared until it is.
 */
export const ORACLEVM_CAPABILITIES: Capabilities = {
  consolidate: false,
  fullBackup: false,
  incrementalBackup: false,
  metadataBackups: [],
  restoreToAlternateLocation: false,
  resetPowerState: false,
};
