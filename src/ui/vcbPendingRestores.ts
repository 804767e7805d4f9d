// Catalog copies opened for a restore elsewhere (Restore with VCB…), by document URI: which VCB host, which backup
// folder, and the copy's path on the host — what Run Restore with This Catalog needs.
import { VcbTarget } from './vcbTarget';

export interface PendingCatalogRestore {
  target: VcbTarget;
  backupDir: string;
  /** The copy on the VCB host (vcbRestore -a). */
  copyPath: string;
}

export const pendingCatalogRestores = new Map<string, PendingCatalogRestore>();
