// Catalog copies opened for a restore elsewhere (Restore with VCB…, Restore with VCB from the Repository…), by
// document URI: what is restored and how (vcbRestoreFlow's source), and the copy on the VCB host — what Run Restore
// with This Catalog needs.
import type { JobContext } from '../core/job';
import type { VcbProvider } from '../providers/vcb/vcbProvider';
import type { CatalogCopy, VcbRestoreOptions } from '../providers/vcb/vcbRestore';
import type { VcbTarget } from './vcbTarget';

/** What a VCB restore restores: its name for titles, how its catalog is copied, and how the restore runs. */
export interface VcbRestoreSource {
  target: VcbTarget;
  /** The backup as titles name it (a folder on the VCB host, or `<vm> (<repository id>)`). */
  label: string;
  vmName?: string;
  /** Makes the editable copy of the backup's catalog on the VCB host (journalled: VcbProvider.copyCatalog/catalogCopyOf). */
  copyCatalog(p: VcbProvider, jctx: JobContext): Promise<CatalogCopy>;
  /** Runs the restore (`opts.catalog`: the copy's path for -a) in a job. */
  restore(p: VcbProvider, opts: VcbRestoreOptions, jctx: JobContext): Promise<{ output: string }>;
}

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
