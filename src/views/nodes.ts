// Tree node types as discriminated unions. Plain data: the tree providers turn them into TreeItems.
import {
  Capabilities,
  ContainerInfo,
  PlatformJob,
  SnapshotInfo,
  StorageInfo,
  StorageItem,
  VmInfo,
} from '../core/model';
import { CatalogEntry } from '../core/repository';
import { Job, JobRecord } from '../core/job';
import { PinRequest } from '../core/pinRequest';
import { VcbNode } from './vcbNodeTypes';
import { ConnectionFailure } from './connectionFailure';

export const PAGE_SIZE = 200;

/** A connection; `failure`: why it failed to log in or be reached, while its node shows it (InfrastructureTree). */
export interface ConnectionNode {
  kind: 'connection';
  key: string;
  connection: string;
  failure?: ConnectionFailure;
}
/**
 * A container the provider listed (Xen pool or host, vSphere datacenter, cluster, host or resource pool, OVM server
 * pool or server). `path`: the containers above it, top first; `caps`: its connection's capabilities.
 */
export interface ContainerNode {
  kind: 'container';
  key: string;
  connection: string;
  container: ContainerInfo;
  path: ContainerInfo[];
  caps: Capabilities;
}
/** A VM; `path`: the containers above it, top first (empty when picked from a flat list). */
export interface VmNode {
  kind: 'vm';
  key: string;
  connection: string;
  path: ContainerInfo[];
  vm: VmInfo;
  caps: Capabilities;
}
/** A snapshot of `vm`; `all`: every snapshot of the VM (the tree is made by their parentId). */
export interface SnapshotNode {
  kind: 'snapshot';
  key: string;
  connection: string;
  path: ContainerInfo[];
  vm: VmInfo;
  snapshot: SnapshotInfo;
  all: SnapshotInfo[];
  caps: Capabilities;
}
/** A level that failed to load: the vendor's message and a retry action on the parent. */
export interface ErrorNode {
  kind: 'error';
  key: string;
  message: string;
  parent?: InfraNode | BackupNode;
  /** A connection failed on a certificate the CAs do not vouch for: the one its host presented, to check and pin. */
  untrusted?: PinRequest;
}
export interface MessageNode {
  kind: 'message';
  key: string;
  message: string;
  icon?: string;
}
export interface LoadMoreNode {
  kind: 'loadMore';
  key: string;
  parentKey: string;
  tree: 'infrastructure' | 'backups';
}

/** A connection's *Storage* group (Provider.listStorage: SRs, datastores, repositories). */
export interface StorageGroupNode {
  kind: 'storageGroup';
  key: string;
  connection: string;
  caps: Capabilities;
}
/** One storage; it has children when its connection declares Capabilities.storageContents. */
export interface StorageNode {
  kind: 'storage';
  key: string;
  connection: string;
  storage: StorageInfo;
  caps: Capabilities;
}
/** One item of a storage's contents (Provider.listStorageContents). */
export interface StorageItemNode {
  kind: 'storageItem';
  key: string;
  connection: string;
  storage: StorageInfo;
  item: StorageItem;
}

export type InfraNode =
  | ConnectionNode
  | ContainerNode
  | VmNode
  | SnapshotNode
  | StorageGroupNode
  | StorageNode
  | StorageItemNode
  | ErrorNode
  | MessageNode
  | LoadMoreNode
  | VcbNode;

export interface RepositoryNode {
  kind: 'repository';
  key: string;
  root: string;
  connections: string[];
}
export interface BackupGroupNode {
  kind: 'backupGroup';
  key: string;
  root: string;
  label: string;
  entries: CatalogEntry[];
}
export interface BackupEntryNode {
  kind: 'backup';
  key: string;
  root: string;
  entry: CatalogEntry;
  connections: string[];
}
export type BackupNode = RepositoryNode | BackupGroupNode | BackupEntryNode | ErrorNode | MessageNode | LoadMoreNode;

export interface RunningJobNode {
  kind: 'job';
  key: string;
  job: Job;
}
export interface FinishedJobNode {
  kind: 'record';
  key: string;
  record: JobRecord;
}
/** A connection's own job list in the Jobs view (Capabilities.platformJobs), e.g. "ovm-manager: Manager jobs". */
export interface PlatformJobGroupNode {
  kind: 'platformJobs';
  key: string;
  connection: string;
  label: string;
}
/** One job of a platform's own list; `linked`: the product's job following it, while it runs. */
export interface PlatformJobNode {
  kind: 'platformJob';
  key: string;
  connection: string;
  job: PlatformJob;
  linked?: Job;
}
export type JobNode = RunningJobNode | FinishedJobNode | PlatformJobGroupNode | PlatformJobNode | MessageNode;

export { contextValue } from './contextTokens';

export function isNode<K extends string>(x: unknown, kind: K): x is { kind: K } {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === kind;
}

/**
 * The certificate a node offers to pin: a connection (or an error node) refused on its certificate, or a job (running
 * or finished) that failed on one (its record's error.untrusted). Undefined for anything else.
 */
export function pinRequestOf(node: unknown): PinRequest | undefined {
  if (isNode(node, 'connection')) return (node as ConnectionNode).failure?.untrusted;
  if (isNode(node, 'error')) return (node as ErrorNode).untrusted;
  if (isNode(node, 'record')) return (node as FinishedJobNode).record.error?.untrusted;
  if (isNode(node, 'job')) return (node as RunningJobNode).job.record.error?.untrusted;
  return undefined;
}
