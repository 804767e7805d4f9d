// What the VCB tools tell us, as records: found VMs, the backuptools.conf settings that matter, backups and restores.
import { Diagnostic } from '../../formats';

/** One `Found VM:` block of vcbVmName (guide P.62: moref:, name:, uuid:, ipaddr: lines, key:value with no space). */
export interface FoundVm {
  moref: string;
  name: string;
  uuid: string;
  ipaddr: string;
}

/** A VM as the tree knows it, enough to build a search specifier (guide P.61). */
export interface VcbVmRef {
  name: string;
  uuid?: string;
  moref?: string;
  ipaddr?: string;
}

/** The settings of backuptools.conf this tool acts on (guide P.58 and 表 2-1), as the shell would read them. */
export interface VcbSettings {
  vchost?: string;
  username?: string;
  /** PASSWORD is set in the file (its value is never kept here). */
  hasPassword: boolean;
  tempdir?: string;
  /** MAX_RETRIES (default 0) and BACKOFF_TIME (seconds, default 10): the tools' own retries (表 2-1). */
  maxRetries: number;
  backoffSeconds: number;
  snapshotPolicy: string;
}

/** backuptools.conf as read from the VCB host: where, its text and mode, the settings and the editor's diagnostics. */
export interface VcbConfigFile {
  path: string;
  text: string;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  settings: VcbSettings;
  diagnostics: Diagnostic[];
}

/** Where vcbMounter -r writes: a folder on the VCB host, another host by scp (guide P.63), or this tool's repository. */
export type VcbDestination =
  { kind: 'folder'; path: string } | { kind: 'scp'; url: string } | { kind: 'repository'; repository: string };

/** vcbRestore -b (guide P.68): what to do when files or a VM known to VirtualCenter would be replaced. */
export type VcbRestoreMode = 'prompt' | 'overwrite' | 'keep' | 'abort';
export const VCB_RESTORE_MODES: readonly VcbRestoreMode[] = ['prompt', 'overwrite', 'keep', 'abort'];

/**
 * The backup snapshot's names. The guide (表 2-1 SNAPSHOT_POLICY) writes `_VCB_BACKUP_`; VCB 1.x in the field names it
 * `_VCB-BACKUP_` (the spelling). Only snapshots with exactly one of these names are VCB's: cleanup never
 * touches any other snapshot.
 */
export const VCB_SNAPSHOT_NAMES: readonly string[] = ['_VCB_BACKUP_', '_VCB-BACKUP_'];

/** A snapshot is VCB's own backup snapshot (exact name match, nothing looser). */
export function isVcbSnapshotName(name: string): boolean {
  return VCB_SNAPSHOT_NAMES.includes(name);
}
