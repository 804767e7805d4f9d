// Oracle VM Manager REST objects as the client reads them, checked field by field, and their mapping to the product's model.
// Shapes: protocols.md §2.3 (fog-oracle mocks captured from OVM 3.3.3; python-ovmclient constants).
import { ContainerInfo, PowerState, StorageInfo, VmInfo } from '../../core/model';

/** A reference to an object: `{type: "com.oracle.ovm.mgr.ws.model.Vm", value: "<id>", uri, name}`. */
export interface SimpleId {
  type: string;
  value: string;
  uri?: string;
  name?: string;
}

export type OvmVmRunState = 'TEMPLATE' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SUSPENDED' | string;

export interface OvmServerPool {
  id: SimpleId;
  name: string;
  serverIds: SimpleId[];
  masterServerId?: SimpleId;
  vmIds: SimpleId[];
}
export interface OvmServer {
  id: SimpleId;
  name: string;
  serverRunState: string;
  maintenanceMode: boolean;
  ipAddress: string;
  hostname?: string;
  ovmVersion?: string;
  serverPoolId?: SimpleId;
  repositoryIds: SimpleId[];
}
export interface OvmVm {
  id: SimpleId;
  name: string;
  vmRunState: OvmVmRunState;
  repositoryId?: SimpleId;
  serverPoolId?: SimpleId;
  serverId?: SimpleId;
  memory?: number;
  cpuCount?: number;
  vmDiskMappingIds: SimpleId[];
  description?: string;
}
export interface OvmRepository {
  id: SimpleId;
  name: string;
  virtualDiskIds: SimpleId[];
  vmIds: SimpleId[];
  presentedServerIds: SimpleId[];
  /** The file system it lives on (`Repository.fileSystemId`, fog-oracle get_repository.rb): where its free space is. */
  fileSystemId?: SimpleId;
}
/**
 * A repository's file system (`GET FileSystem/{id}`, fog-oracle `get_file_system.rb`, captured from OVM 3.3.3):
 * `size` and `freeSize` in bytes, as the Manager last refreshed them; absent when the reply lacks them.
 */
export interface OvmFileSystem {
  id: SimpleId;
  size?: number;
  freeSize?: number;
}
export interface OvmVirtualDisk {
  id: SimpleId;
  name: string;
  diskType: string;
  size: number;
  path: string;
  repositoryId?: SimpleId;
  /** The mappings that put it into VMs (empty: no VM uses it). */
  vmDiskMappingIds: SimpleId[];
}
export interface OvmVmDiskMapping {
  id: SimpleId;
  /** Absent for an empty CD-ROM slot. */
  virtualDiskId?: SimpleId;
  diskTarget?: number;
}
/**
 * A clone customizer (REST type VmCloneDefinition; the CLI's VmCloneCustomizer): its VM and storage mappings
 * (go-ovm-helper `ovmHelper/vmcdType.go`: `vmId`, `vmCloneStorageMappingIds`).
 */
export interface OvmCloneDefinition {
  id: SimpleId;
  name: string;
  vmId?: SimpleId;
  vmCloneStorageMappingIds: SimpleId[];
}
export interface OvmJob {
  id: SimpleId;
  name: string;
  jobRunState: string;
  summaryDone: boolean;
  done?: boolean;
  resultId?: SimpleId;
  progressMessage?: string;
  latestSummaryProgressMessage?: string;
  error?: { message?: string } | null;
  wsErrorCode?: string | null;
  abortedByUser?: boolean;
  /** Epoch ms (protocols.md §2.3 Job: `startTime`, `endTime`; fog-oracle mocks). */
  startTime?: number;
  endTime?: number;
  /** Who started it (`user`, e.g. `admin`). */
  user?: string;
}
export interface OvmManager {
  id: SimpleId;
  name: string;
  managerRunState: string;
  managerVersion?: string;
}

/** A reply that is not the shape the Manager documents (a proxy's page, a truncated body, a hostile server). */
export class MalformedReplyError extends Error {
  constructor(what: string) {
    super(`malformed Oracle VM Manager reply: ${what}`);
    this.name = 'MalformedReplyError';
  }
}

type Obj = Record<string, unknown>;
function obj(x: unknown, what: string): Obj {
  if (!x || typeof x !== 'object' || Array.isArray(x)) throw new MalformedReplyError(`${what} is not an object`);
  return x as Obj;
}
function str(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new MalformedReplyError(`${what}.${k} is not a string`);
  return v;
}
function optStr(o: Obj, k: string): string | undefined {
  return typeof o[k] === 'string' ? (o[k] as string) : undefined;
}
function optNum(o: Obj, k: string): number | undefined {
  return typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : undefined;
}

export function simpleId(x: unknown, what: string): SimpleId {
  const o = obj(x, what);
  return { type: str(o, 'type', what), value: str(o, 'value', what), uri: optStr(o, 'uri'), name: optStr(o, 'name') };
}
function optId(o: Obj, k: string, what: string): SimpleId | undefined {
  return o[k] === null || o[k] === undefined ? undefined : simpleId(o[k], `${what}.${k}`);
}
function ids(o: Obj, k: string, what: string): SimpleId[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedReplyError(`${what}.${k} is not a list`);
  return v.map((e, i) => simpleId(e, `${what}.${k}[${i}]`));
}
function head(x: unknown, what: string): { o: Obj; id: SimpleId; name: string } {
  const o = obj(x, what);
  return { o, id: simpleId(o.id, `${what}.id`), name: typeof o.name === 'string' ? o.name : '' };
}

/** Checks a list reply and each element with `one`. */
export function listOf<T>(x: unknown, what: string, one: (e: unknown, what: string) => T): T[] {
  if (!Array.isArray(x)) throw new MalformedReplyError(`${what} is not a list`);
  return x.map((e, i) => one(e, `${what}[${i}]`));
}

export function parseServerPool(x: unknown, what = 'ServerPool'): OvmServerPool {
  const { o, id, name } = head(x, what);
  return {
    id,
    name,
    serverIds: ids(o, 'serverIds', what),
    masterServerId: optId(o, 'masterServerId', what),
    vmIds: ids(o, 'vmIds', what),
  };
}
export function parseServer(x: unknown, what = 'Server'): OvmServer {
  const { o, id, name } = head(x, what);
  return {
    id,
    name,
    serverRunState: optStr(o, 'serverRunState') ?? 'UNKNOWN',
    maintenanceMode: o.maintenanceMode === true,
    ipAddress: optStr(o, 'ipAddress') ?? '',
    hostname: optStr(o, 'hostname'),
    ovmVersion: optStr(o, 'ovmVersion'),
    serverPoolId: optId(o, 'serverPoolId', what),
    repositoryIds: ids(o, 'repositoryIds', what),
  };
}
export function parseVm(x: unknown, what = 'Vm'): OvmVm {
  const { o, id, name } = head(x, what);
  return {
    id,
    name,
    vmRunState: optStr(o, 'vmRunState') ?? 'UNKNOWN',
    repositoryId: optId(o, 'repositoryId', what),
    serverPoolId: optId(o, 'serverPoolId', what),
    serverId: optId(o, 'serverId', what),
    memory: optNum(o, 'memory'),
    cpuCount: optNum(o, 'cpuCount'),
    vmDiskMappingIds: ids(o, 'vmDiskMappingIds', what),
    description: optStr(o, 'description'),
  };
}
export function parseRepository(x: unknown, what = 'Repository'): OvmRepository {
  const { o, id, name } = head(x, what);
  return {
    id,
    name,
    virtualDiskIds: ids(o, 'virtualDiskIds', what),
    vmIds: ids(o, 'vmIds', what),
    presentedServerIds: ids(o, 'presentedServerIds', what),
    fileSystemId: optId(o, 'fileSystemId', what),
  };
}
/** A FileSystem reply: negative or non-numeric sizes are dropped (unknown), not trusted. */
export function parseFileSystem(x: unknown, what = 'FileSystem'): OvmFileSystem {
  const { o, id } = head(x, what);
  const bytes = (k: string) => {
    const v = optNum(o, k);
    return v !== undefined && v >= 0 ? v : undefined;
  };
  return { id, size: bytes('size'), freeSize: bytes('freeSize') };
}
export function parseVirtualDisk(x: unknown, what = 'VirtualDisk'): OvmVirtualDisk {
  const { o, id, name } = head(x, what);
  return {
    id,
    name,
    diskType: optStr(o, 'diskType') ?? '',
    size: optNum(o, 'size') ?? 0,
    path: optStr(o, 'path') ?? '',
    repositoryId: optId(o, 'repositoryId', what),
    vmDiskMappingIds: ids(o, 'vmDiskMappingIds', what),
  };
}
export function parseVmDiskMapping(x: unknown, what = 'VmDiskMapping'): OvmVmDiskMapping {
  const { o, id } = head(x, what);
  return { id, virtualDiskId: optId(o, 'virtualDiskId', what), diskTarget: optNum(o, 'diskTarget') };
}
export function parseCloneDefinition(x: unknown, what = 'VmCloneDefinition'): OvmCloneDefinition {
  const { o, id, name } = head(x, what);
  return {
    id,
    name,
    vmId: optId(o, 'vmId', what),
    vmCloneStorageMappingIds: ids(o, 'vmCloneStorageMappingIds', what),
  };
}
export function parseJob(x: unknown, what = 'Job'): OvmJob {
  const { o, id, name } = head(x, what);
  const e = o.error && typeof o.error === 'object' ? (o.error as Obj) : undefined;
  return {
    id,
    name,
    jobRunState: str(o, 'jobRunState', what),
    summaryDone: o.summaryDone === true,
    done: o.done === true,
    resultId: optId(o, 'resultId', what),
    progressMessage: optStr(o, 'progressMessage'),
    latestSummaryProgressMessage: optStr(o, 'latestSummaryProgressMessage'),
    error: e ? { message: optStr(e, 'message') } : null,
    wsErrorCode: optStr(o, 'wsErrorCode') ?? null,
    abortedByUser: o.abortedByUser === true,
    startTime: optNum(o, 'startTime'),
    endTime: optNum(o, 'endTime'),
    user: optStr(o, 'user'),
  };
}
export function parseManager(x: unknown, what = 'Manager'): OvmManager {
  const { o, id, name } = head(x, what);
  return { id, name, managerRunState: str(o, 'managerRunState', what), managerVersion: optStr(o, 'managerVersion') };
}

/** vmRunState → the product's power state (a template has none: `halted`). */
export function powerState(s: OvmVmRunState): PowerState {
  switch (s) {
    case 'RUNNING':
    case 'STOPPING':
      return 'running';
    case 'STOPPED':
    case 'TEMPLATE':
    case 'STARTING':
      return 'halted';
    case 'SUSPENDED':
      return 'suspended';
    default:
      return 'unknown';
  }
}

/** A server pool: the tree's top container. */
export function toPool(p: OvmServerPool): ContainerInfo {
  return { type: 'container', kind: 'serverPool', icon: 'pool', id: p.id.value, name: p.name };
}
/** A server is `enabled` when RUNNING and not in maintenance mode. */
export function toHost(s: OvmServer): ContainerInfo {
  const enabled = s.serverRunState === 'RUNNING' && !s.maintenanceMode;
  return {
    type: 'container',
    kind: 'server',
    icon: 'host',
    id: s.id.value,
    name: s.name,
    detail: `${s.ipAddress}${enabled ? '' : ' · disabled'}${s.ovmVersion ? ' · ' + s.ovmVersion : ''}`,
    isHost: true,
    enabled,
  };
}
/**
 * OVM 3.x has no VM snapshots (protocols.md §2.5): snapshotCount is always 0. `memory` is in MiB. The host's name is
 * the `name` of the VM's `serverId` reference; the Vm object carries no guest IP address (protocols.md §2.3), so
 * ipAddresses stays absent.
 */
export function toVm(v: OvmVm): VmInfo {
  return {
    id: v.id.value,
    uuid: v.id.value,
    name: v.name,
    powerState: powerState(v.vmRunState),
    hostId: v.serverId?.value,
    poolId: v.serverPoolId?.value ?? '',
    description: v.description,
    memoryBytes: v.memory !== undefined ? v.memory * 1024 * 1024 : undefined,
    vcpus: v.cpuCount,
    snapshotCount: 0,
    ...(v.serverId?.name ? { hostName: v.serverId.name } : {}),
  };
}
/**
 * A repository as storage: shared when presented to more than one server; free space and capacity from its file
 * system's `freeSize` and `size` when the Manager gave them (a free size above the size is not believed).
 */
export function toStorage(r: OvmRepository, fs?: OvmFileSystem): StorageInfo {
  const sane = fs?.freeSize !== undefined && (fs.size === undefined || fs.freeSize <= fs.size);
  return {
    id: r.id.value,
    name: r.name,
    type: 'repository',
    shared: r.presentedServerIds.length > 1,
    isDefault: false,
    ...(sane ? { freeBytes: fs!.freeSize } : {}),
    ...(sane && fs!.size !== undefined ? { capacityBytes: fs!.size } : {}),
  };
}
