// Catalog copies opened for a restore elsewhere (Restore with VCB…, Restore with VCB from the Repository…), by
// document URI: what is restored and how (vcbRestoreFlow's source), and the copy on the VCB host — what Run Restore
// with This Catalog needs.
import type { CatalogCopy } from '../providers/vcb/vcbRestore';
import type { VcbRestoreSource } from './vcbRestoreFlow';

export interface PendingCatalogRestore {
  source: VcbRestoreSource;
  /** The copy on the VCB host (vcbRestore -a), in its journalled staging folder. */
  copy: CatalogCopy;
}

const pending = new Map<string, PendingCatalogRestore>();
/** By scheme and decoded path: a URI's string form may be encoded differently once VS Code has opened it. */
const keyOf = (uri: { scheme: string; path: string }) => `${uri.scheme}:${uri.path}`;

export const pendingCatalogRestores = {
  set: (uri: { scheme: string; path: string }, p: PendingCatalogRestore) => pending.set(keyOf(uri), p),
  get: (uri: { scheme: string; path: string }) => pending.get(keyOf(uri)),
  delete: (uri: { scheme: string; path: string }) => pending.delete(keyOf(uri)),
};
