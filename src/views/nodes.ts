// Tree node types as discriminated unions. Plain data: the tree providers turn them into TreeItems.
import { HostInfo, PoolInfo, SnapshotInfo, VmInfo } from '../core/model';
import { CatalogEntry } from '../core/repository';
import { Job, JobRecord } from '../core/job';
import { PinRequest } from '../core/pinRequest';

export const PAGE_SIZE = 200;

export interface ConnectionNode {
  kind: 'connection';
  key: string;
  connection: string;
}
export interface PoolNode {
  kind: 'pool';
  key: string;
  connection: string;
  pool: PoolInfo;
}
export interface HostNode {
  kind: 'host';
  key: string;
  connection: string;
  pool: PoolInfo;
  host: HostInfo;
}
export interface VmNode {
  kind: 'vm';
  key: string;
  connection: string;
  pool: PoolInfo;
  host?: HostInfo;
  vm: VmInfo;
}
export interface SnapshotNode {
  kind: 'snapshot';
  key: string;
  connection: string;
  pool: PoolInfo;
  host?: HostInfo;
  vm: VmInfo;
  snapshot: SnapshotInfo;
  all: SnapshotInfo[];
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

export type InfraNode =
  ConnectionNode | PoolNode | HostNode | VmNode | SnapshotNode | ErrorNode | MessageNode | LoadMoreNode;

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
export type JobNode = RunningJobNode | FinishedJobNode | MessageNode;

/** contextValue tokens joined by ';' — menus match them with `viewItem =~ /(^|;)token(;|$)/`. */
export function contextValue(...tokens: Array<string | false | undefined>): string {
  return tokens.filter((t): t is string => !!t).join(';');
}

export function isNode<K extends string>(x: unknown, kind: K): x is { kind: K } {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === kind;
}

/**
 * The certificate a node offers to pin: an error node of a connection refused on its certificate, or a job (running
 * or finished) that failed on one (its record's error.untrusted). Undefined for anything else.
 */
export function pinRequestOf(node: unknown): PinRequest | undefined {
  if (isNode(node, 'error')) return (node as ErrorNode).untrusted;
  if (isNode(node, 'record')) return (node as FinishedJobNode).record.error?.untrusted;
  if (isNode(node, 'job')) return (node as RunningJobNode).job.record.error?.untrusted;
  return undefined;
}
