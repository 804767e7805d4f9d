// The one contract every platform implements. No vscode here: the extension, the CLI and the tests share it.
import { Readable } from 'node:stream';
import {
  Capabilities,
  ConnectionProfile,
  ContainerRef,
  InventoryItem,
  MetadataBackupKind,
  NetworkInfo,
  PlatformJob,
  PlacementChoice,
  RestoreMode,
  SnapshotInfo,
  StorageInfo,
  StorageItem,
  VmInfo,
} from './model';
import { JobContext } from './job';
import { CatalogEntry } from './repository';
import { CleanupItem, CleanupOptions } from './cleanupReport';
import { VendorError } from './errors';

export interface Secrets {
  password: string;
}

/**
 * A snapshot to take. `memory` (the running VM's memory) and `quiesce` (the guest's file systems, through its tools)
 * only where Capabilities.snapshots says the platform has them; a provider ignores what does not apply to the VM now.
 */
export interface SnapshotOptions {
  name: string;
  memory?: boolean;
  quiesce?: boolean;
}
/** Deleting a snapshot: `withChildren` removes its subtree too (Capabilities.snapshots.deleteWithChildren). */
export interface DeleteSnapshotOptions {
  withChildren?: boolean;
}
export interface BackupOptions {
  repository: string;
  /** true: gzip (XAPI's use_compression=true); 'zstd' where the platform has it. */ compress?: boolean | 'zstd';
  /** VM metadata only (no disks), like `xe vm-export metadata=true`. */ metadataOnly?: boolean;
  /** Keep a Suspended VM's memory (XAPI `preserve_power_state=true`, export.ml): default on. */
  preservePowerState?: boolean;
  /**
   * The backup's form where the platform offers a choice (Capabilities.backupFormats): 'image' (default: the VM's own
   * files) or 'ovf' (vSphere: OVF export through ExportVm / HttpNfcLease, restorable by OVF import).
   */
  format?: BackupFormat;
  /** The method chosen where the platform declares several (Capabilities.backupMethods, BackupMethodInfo.options). */
  method?: string;
  /** Stop a running VM first (a method with `needsStopped`, after the user agreed). */
  stop?: boolean;
  /** The user confirmed the method's warning (a method with `confirm`); without it such a method is refused. */
  confirmed?: boolean;
}
/** A VM backup's form: the platform's native image, or an OVF package (descriptor + stream-optimized disks). */
export type BackupFormat = 'image' | 'ovf';
/**
 * Where a restored VM goes besides its storage: the container (the platform's kind and id: a vSphere `host` or
 * `cluster`, an Oracle VM `serverPool`), a vSphere resource pool and VM folder. Ids or unambiguous names. What a
 * platform takes is declared in Capabilities.restore; absent fields take the platform's default (where the VM was).
 */
export interface RestorePlacement {
  container?: { kind: 'host' | 'cluster' | 'serverPool'; id: string };
  resourcePoolId?: string;
  folderId?: string;
}

/**
 * A VM restore, aimed the same way on every platform (each provider maps it: xenRestore.ts, vmwareRestore.ts with
 * vmwarePlacement.ts, ovmRestore.ts):
 * - `storageId`: the SR / datastore / repository (StorageInfo id, uuid or unique name);
 * - `placement`: container, resource pool, folder (RestorePlacement);
 * - `networkMap`: backed-up NIC key (BackupNic.key: Xen VIF device `0`, vSphere `ethernet0`, Oracle VM vif index `0`)
 *   → target network (NetworkInfo id, uuid or unique name); NICs not named go to the network of the same name, and
 *   a NIC whose network the target lacks is refused before anything is uploaded;
 * - `name`: the new VM's name (default: the VM's name with the backup's date, core/restoreName.ts);
 * - `mode`: new (default) / keepMacs / replace (RestoreMode; only those in Capabilities.restore.modes);
 * - `powerOn`: start the VM once restored;
 * - `format`: how to restore where the platform offers a choice (default: the backup's own form).
 */
export interface RestoreOptions {
  storageId?: string;
  placement?: RestorePlacement;
  networkMap?: Record<string, string>;
  name?: string;
  mode?: RestoreMode;
  powerOn?: boolean;
  format?: BackupFormat;
}
export interface MetadataRestoreOptions {
  dryRun: boolean;
}
export interface MetadataRestoreResult {
  dryRun: boolean;
  suspendedWithoutDisk: VmInfo[];
}

/**
 * The one contract every platform implements. The tree's shape comes from `listChildren` (typed containers with the
 * platform's own words); the operations a platform has are declared in `capabilities`, and the optional methods exist
 * exactly when it declares them (see Capabilities).
 */
export interface Provider {
  readonly platform: string;
  readonly profile: ConnectionProfile;
  readonly capabilities: Capabilities;
  connect(signal?: AbortSignal): Promise<void>;
  disconnect(): Promise<void>;

  /**
   * The children of a container, or the top level when `parent` is absent (Xen: pools; vSphere: datacenters; Oracle
   * VM: server pools): containers first, then VMs, each level in the provider's order. Rejects on an unknown parent.
   */
  listChildren(parent?: ContainerRef): Promise<InventoryItem[]>;
  /** Every VM of the connection (templates and snapshots excluded). */
  listVms(): Promise<VmInfo[]>;
  /** The VM's snapshots: `parentId` makes the tree, `isCurrent` marks "You are here". */
  listSnapshots(vmId: string): Promise<SnapshotInfo[]>;
  /** SRs / datastores / repositories, with free and total bytes, and the host of a local one. */
  listStorage(): Promise<StorageInfo[]>;
  /** The networks VMs attach to (with the bridge and isolation where the platform has them). */
  listNetworks(): Promise<NetworkInfo[]>;
  /**
   * Capabilities.storageContents: what one storage (an id listStorage gave) holds — virtual disks with the VMs using
   * them, VM files, ISOs. Rejects on an unknown storage.
   */
  listStorageContents?(storageId: string, signal?: AbortSignal): Promise<StorageItem[]>;
  /**
   * Capabilities.platformJobs: the platform's own jobs, running (and queued) first, then the `recent` most recent
   * finished ones, newest first.
   */
  listPlatformJobs?(opts: { recent: number }, signal?: AbortSignal): Promise<PlatformJob[]>;
  /**
   * Where a restored VM can be placed (Capabilities.restore: containers, resource pools, folders); absent where the
   * platform declares none.
   */
  listPlacement?(): Promise<PlacementChoice[]>;

  /** Capabilities.snapshots: take, revert (snapshots.revert), delete one (with its children: deleteWithChildren). */
  snapshot?(vmId: string, opts: SnapshotOptions, ctx: JobContext): Promise<SnapshotInfo>;
  revert?(snapshotId: string, ctx: JobContext): Promise<void>;
  deleteSnapshot?(snapshotId: string, ctx: JobContext, opts?: DeleteSnapshotOptions): Promise<void>;
  /** Capabilities.snapshots.removeAll. */
  removeAllSnapshots?(vmId: string, ctx: JobContext): Promise<void>;
  /** Capabilities.snapshots.rename. */
  renameSnapshot?(snapshotId: string, name: string, ctx: JobContext): Promise<void>;
  /** Capabilities.consolidate: merges the VM's redundant delta disks. */
  consolidate?(vmId: string, ctx: JobContext): Promise<void>;

  /** Capabilities.fullBackup: a VM's image backup into `opts.repository`, and its restore. */
  backupVm?(vmId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry>;
  restoreVm?(entry: CatalogEntry, opts: RestoreOptions, ctx: JobContext): Promise<VmInfo>;
  /**
   * Capabilities.metadataBackups: a backup of `kind` taken of `targetId` (a container's or a VM's id, as the kind's
   * `of` says) into `opts.repository`.
   */
  backupMetadata?(
    kind: MetadataBackupKind['kind'],
    targetId: string,
    opts: BackupOptions,
    ctx: JobContext,
  ): Promise<CatalogEntry>;
  /** Restores a metadata backup of a kind whose `restore` is declared (a dry run only with `opts.dryRun`). */
  restoreMetadata?(
    kind: MetadataBackupKind['kind'],
    entry: CatalogEntry,
    opts: MetadataRestoreOptions,
    ctx: JobContext,
  ): Promise<MetadataRestoreResult>;
  /** Capabilities.resetPowerState. */
  resetPowerState?(vmId: string, ctx: JobContext): Promise<void>;
  /** Starts a halted VM (offered after a revert that left it halted). Xen: VM.start; vSphere: PowerOnVM_Task. */
  startVm?(vmId: string, ctx: JobContext): Promise<void>;
  /**
   * Removes what this tool left behind (e.g. after a crash): only objects the repository's ownership journal names
   * and the platform confirms, and the named leftovers of the jobs' folders. With `dryRun`, lists them. One item per
   * object, with why it was (or would be, or was not) deleted.
   */
  cleanup(opts: CleanupOptions, ctx: JobContext): Promise<CleanupItem[]>;
  /** Runs what a cleanup item `offered` for a VM (vSphere: ConsolidateVMDisks_Task); absent where nothing is offered. */
  consolidate?(vmId: string, ctx: JobContext): Promise<void>;
}

/** The operations a provider has only when its capabilities declare them. */
export type OptionalOperation =
  | 'snapshot'
  | 'revert'
  | 'deleteSnapshot'
  | 'removeAllSnapshots'
  | 'renameSnapshot'
  | 'consolidate'
  | 'backupVm'
  | 'restoreVm'
  | 'backupMetadata'
  | 'restoreMetadata'
  | 'resetPowerState'
  | 'startVm'
  | 'listStorageContents'
  | 'listPlatformJobs';

/** The code of the error `operation` throws for an operation a platform does not offer (the product's own code). */
export const NOT_OFFERED = 'NOT_OFFERED';

/**
 * The provider's `name` operation, bound to it; a VendorError NOT_OFFERED naming the connection and platform when the
 * provider does not have it (its capabilities do not declare it: the palette or the CLI asked anyway).
 */
export function operation<K extends OptionalOperation>(p: Provider, name: K): NonNullable<Provider[K]> {
  const fn = p[name] as ((...args: never[]) => unknown) | undefined;
  if (typeof fn !== 'function')
    throw new VendorError(NOT_OFFERED, [`${name} is not offered on ${p.platform}`], { connection: p.profile.name });
  return fn.bind(p) as NonNullable<Provider[K]>;
}

export type ProviderFactory = (profile: ConnectionProfile, secrets: Secrets) => Provider;
export type { Readable };
