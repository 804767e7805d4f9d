// The one contract every platform implements. No vscode here: the extension, the CLI and the tests share it.
import { Readable } from 'node:stream';
import { Capabilities, ConnectionProfile, HostInfo, PoolInfo, SnapshotInfo, StorageInfo, VmInfo } from './model';
import { JobContext } from './job';
import { CatalogEntry } from './repository';
import { CleanupItem, CleanupOptions } from './cleanupReport';

export interface Secrets {
  password: string;
}

export interface SnapshotOptions {
  name: string;
  memory?: boolean;
}
export interface BackupOptions {
  repository: string;
  /** true: gzip (XAPI's use_compression=true); 'zstd' where the platform has it. */ compress?: boolean | 'zstd';
  /** VM metadata only (no disks), like `xe vm-export metadata=true`. */ metadataOnly?: boolean;
  /** Keep a Suspended VM's memory (XAPI `preserve_power_state=true`, export.ml): default on. */
  preservePowerState?: boolean;
}
/**
 * How a VM backup comes back. By default as a new VM (new uuid, new MAC addresses). `preserveMacs` keeps the
 * backed-up MAC addresses on the new VM. `replaceOriginal` is XAPI's full restore (`restore=true`, import.ml): the
 * original VM (which must be Halted) is replaced, keeping the backed-up uuid and MAC addresses.
 */
export interface RestoreOptions {
  storageId?: string;
  name?: string;
  preserveMacs?: boolean;
  replaceOriginal?: boolean;
}
export interface MetadataRestoreOptions {
  dryRun: boolean;
}
export interface MetadataRestoreResult {
  dryRun: boolean;
  suspendedWithoutDisk: VmInfo[];
}

export interface Provider {
  readonly platform: string;
  readonly profile: ConnectionProfile;
  readonly capabilities: Capabilities;
  connect(signal?: AbortSignal): Promise<void>;
  disconnect(): Promise<void>;

  listPools(): Promise<PoolInfo[]>;
  listHosts(poolId: string): Promise<HostInfo[]>;
  listVms(scope: { poolId?: string; hostId?: string }): Promise<VmInfo[]>;
  listSnapshots(vmId: string): Promise<SnapshotInfo[]>;
  listStorage(): Promise<StorageInfo[]>;

  snapshot(vmId: string, opts: SnapshotOptions, ctx: JobContext): Promise<SnapshotInfo>;
  revert(snapshotId: string, ctx: JobContext): Promise<void>;
  deleteSnapshot(snapshotId: string, ctx: JobContext): Promise<void>;
  backupVm(vmId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry>;
  restoreVm(entry: CatalogEntry, opts: RestoreOptions, ctx: JobContext): Promise<VmInfo>;
  backupPoolMetadata(opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry>;
  restorePoolMetadata(
    entry: CatalogEntry,
    opts: MetadataRestoreOptions,
    ctx: JobContext,
  ): Promise<MetadataRestoreResult>;
  backupHost(hostId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry>;
  resetPowerState(vmId: string, ctx: JobContext): Promise<void>;
  /**
   * Removes what this tool left behind (e.g. after a crash): only objects the repository's ownership journal names
   * and the platform confirms, and the named leftovers of the jobs' folders. With `dryRun`, lists them. One item per
   * object, with why it was (or would be, or was not) deleted.
   */
  cleanup(opts: CleanupOptions, ctx: JobContext): Promise<CleanupItem[]>;
}

export type ProviderFactory = (profile: ConnectionProfile, secrets: Secrets) => Provider;
export type { Readable };
