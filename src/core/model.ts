// Platform-neutral inventory model shared by every provider, the extension and the CLI.

export type PowerState = 'running' | 'halted' | 'suspended' | 'paused' | 'unknown';

export interface ConnectionProfile {
  /** Unique, user-chosen connection name. */
  name: string;
  platform: 'xen' | 'vmware' | 'oraclevm';
  /** Base URL of the management endpoint, e.g. https://xcp-master.example. */
  url: string;
  username: string;
  /** Skip CA verification, but only with a pinned certificate thumbprint (SHA-1 or SHA-256, hex with colons). */
  thumbprint?: string;
  /** Backup repository folder for this connection. */
  repository?: string;
  maxRetries?: number;
  backoffSeconds?: number;
  /** Concurrent data-plane operations per host. */
  concurrencyPerHost?: number;
  /** A data stream (export, upload) on which nothing moves this many seconds fails, and its task is cancelled. Default 300. */
  idleTimeoutSeconds?: number;
  /** A platform task still pending after this many minutes is cancelled and the job fails. Default 60. */
  taskDeadlineMinutes?: number;
}

export interface PoolInfo {
  id: string;
  name: string;
  masterHostId?: string;
  defaultStorageId?: string;
}
export interface HostInfo {
  id: string;
  poolId: string;
  name: string;
  address: string;
  enabled: boolean;
  version?: string;
}
export interface VmInfo {
  id: string;
  uuid: string;
  name: string;
  powerState: PowerState;
  hostId?: string;
  poolId: string;
  description?: string;
  memoryBytes?: number;
  vcpus?: number;
  snapshotCount: number;
  /** Set when the VM is Suspended and its suspend disk is missing (e.g. after a pool DB restore). */
  suspendDiskMissing?: boolean;
  /** Operations running on the VM now (XAPI `current_operations`: clean_shutdown, snapshot, export…); absent when idle. */
  operations?: string[];
}
export interface SnapshotInfo {
  id: string;
  uuid: string;
  vmId: string;
  name: string;
  time: Date;
  parentId?: string;
  madeByUs: boolean;
  isCurrent: boolean;
}
export interface StorageInfo {
  id: string;
  name: string;
  type: string;
  shared: boolean;
  freeBytes?: number;
  isDefault: boolean;
}

export interface Capabilities {
  snapshots: boolean;
  memorySnapshots: boolean;
  fullBackup: boolean;
  incrementalBackup: boolean;
  metadataBackup: boolean;
  hostBackup: boolean;
  restoreToAlternateLocation: boolean;
  metadataRestoreDryRun: boolean;
}
