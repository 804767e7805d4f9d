// Catalog copies opened for a restore elsewhere (Restore with VCB…), by document URI: which VCB host, which backup
// folder, and the copy's path on the host — what Run Restore with This Catalog needs.
import { VcbTarget } from './vcbTarget';

export interface PendingCatalogRestore {
  target: VcbTarget;
  backupDir: string;
  /** The copy on the VCB host (vcbRestore -a). */
  copyPath: string;
}

const pending = new Map<string, PendingCatalogRestore>();
/** By scheme and decoded path: a URI's string form may be encoded differently once VS Code has opened it. */
const keyOf = (uri: { scheme: string; path: string }) => `${uri.scheme}:${uri.path}`;

export const pendingCatalogRestores = {
  set: (uri: { scheme: string; path: string }, p: PendingCatalogRestore) => pending.set(keyOf(uri), p),
  get: (uri: { scheme: string; path: string }) => pending.get(keyOf(uri)),
};
