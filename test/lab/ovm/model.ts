// The Manager's object model as the lab keeps it: the REST JSON shapes of OVM 3.3/3.4 (protocols.md §2.3).
// Field names follow fog-oracle's captured OVM 3.3.3 replies and python-ovmclient; see README.md for each source.

export const WS_TYPE_PREFIX = 'com.oracle.ovm.mgr.ws.model.';

/** The REST types the lab serves (a subset of vmapi-rest-uri-mapping). */
export type OvmType =
  | 'Manager'
  | 'ServerPool'
  | 'Server'
  | 'Vm'
  | 'Repository'
  | 'FileSystem'
  | 'VirtualDisk'
  | 'VmDiskMapping'
  | 'Job'
  | 'Network'
  | 'VmCloneDefinition'
  | 'VmCloneStorageMapping';
export const OVM_TYPES: readonly OvmType[] = [
  'Manager',
  'ServerPool',
  'Server',
  'Vm',
  'Repository',
  'FileSystem',
  'VirtualDisk',
  'VmDiskMapping',
  'Job',
  'Network',
  'VmCloneDefinition',
  'VmCloneStorageMapping',
];

/** A reference as stored; rendered as a SimpleId `{type, value, uri, name}` with the uri built from the request's host. */
export interface Ref {
  type: OvmType;
  value: string;
}

export interface Base {
  id: Ref;
  name: string;
  description: string;
  locked: boolean;
  readOnly: boolean;
  generation: number;
  userData: unknown[];
  resourceGroupIds: Ref[];
}

export type VmRunState = 'TEMPLATE' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SUSPENDED';
export type ManagerRunState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED';
export type JobRunState = 'NONE' | 'CREATED' | 'RUNNING' | 'SUCCESS' | 'FAILURE' | 'CHILD_QUEUED' | 'CHILD_RUNNING';

export interface ManagerObj extends Base {
  managerRunState: ManagerRunState;
  managerUuid: string;
  managerVersion: string;
}
export interface ServerPoolObj extends Base {
  serverIds: Ref[];
  masterServerId: Ref | null;
  vmIds: Ref[];
  unassignedVmIds: Ref[];
  virtualIp: string | null;
  vmStartPolicy: string;
}
export interface ServerObj extends Base {
  serverRunState: 'RUNNING' | 'STOPPED' | 'STARTING' | 'STOPPING';
  ipAddress: string;
  hostname: string;
  serverRoles: string[];
  maintenanceMode: boolean;
  memory: number;
  usableMemory: number;
  ovmVersion: string;
  serverPoolId: Ref | null;
  repositoryIds: Ref[];
  vmIds: Ref[];
  manufacturer: string;
  productName: string;
}
export interface VmObj extends Base {
  vmRunState: VmRunState;
  vmDomainType: string;
  memory: number;
  memoryLimit: number;
  cpuCount: number;
  cpuCountLimit: number;
  osType: string;
  repositoryId: Ref | null;
  serverPoolId: Ref | null;
  serverId: Ref | null;
  vmDiskMappingIds: Ref[];
  virtualNicIds: Ref[];
  highAvailability: boolean;
  origin: string | null;
  /** Its clone customizers (protocols.md §2.3 Vm field `vmCloneDefinitionIds`; go-ovm-helper `vmTypes.go`). */
  vmCloneDefinitionIds: Ref[];
}
export interface RepositoryObj extends Base {
  virtualDiskIds: Ref[];
  vmIds: Ref[];
  assemblyIds: Ref[];
  presentedServerIds: Ref[];
  fileSystemId: Ref | null;
  managerUuid: string;
  refreshed: boolean;
  sharePath: string | null;
  fileSystemType: 'OCFS2' | 'NFS';
}
/**
 * A repository's file system (fog-oracle get_file_system.rb, captured from OVM 3.3.3): `size` and `freeSize` in bytes,
 * the repositories on it. The lab does not recompute freeSize as files come and go (tests set it).
 */
export interface FileSystemObj extends Base {
  path: string;
  size: number;
  freeSize: number;
  refreshed: boolean;
  shared: boolean;
  repositoryIds: Ref[];
  fileServerIds: Ref[];
}
/** A network VMs attach to: its id is what a vm.cfg `vif` names as `bridge=` (README: *assumed*). */
export interface NetworkObj extends Base {
  roles: string[];
}
export interface VirtualDiskObj extends Base {
  diskType: 'VIRTUAL_DISK' | 'VIRTUAL_CDROM';
  size: number;
  onDiskSize: number;
  path: string;
  shareable: boolean;
  vmDiskMappingIds: Ref[];
  repositoryId: Ref;
}
export interface VmDiskMappingObj extends Base {
  vmId: Ref;
  virtualDiskId: Ref | null;
  diskTarget: number;
  emulatedBlockDevice: boolean;
  diskWriteMode: 'READ_ONLY' | 'READ_WRITE';
}
/** How a clone customizer's storage mapping copies a disk (CLI reference A.54 `create VmCloneStorageMapping`). */
export type CloneType = 'THIN_CLONE' | 'SPARSE_COPY' | 'NON_SPARSE_COPY';
export const CLONE_TYPES: readonly CloneType[] = ['THIN_CLONE', 'SPARSE_COPY', 'NON_SPARSE_COPY'];
/**
 * A clone customizer (the CLI's VmCloneCustomizer, REST type VmCloneDefinition): fields as go-ovm-helper
 * `ovmHelper/vmcdType.go` (devans10/go-ovm-helper) declares them.
 */
export interface VmCloneDefinitionObj extends Base {
  vmId: Ref;
  vmCloneStorageMappingIds: Ref[];
  vmCloneNetworkMappingIds: Ref[];
}
/** Where a customizer puts one disk of the VM and how (go-ovm-helper `ovmHelper/vmcsmType.go`). */
export interface VmCloneStorageMappingObj extends Base {
  vmCloneDefinitionId: Ref;
  vmDiskMappingId: Ref;
  repositoryId: Ref | null;
  storageArrayId: Ref | null;
  cloneType: CloneType;
}
export interface JobObj extends Base {
  jobRunState: JobRunState;
  jobSummaryState: JobRunState;
  done: boolean;
  summaryDone: boolean;
  jobGroup: boolean;
  resultId: Ref | null;
  progressMessage: string | null;
  latestSummaryProgressMessage: string | null;
  error: { message: string; type: string } | null;
  wsErrorCode: string | null;
  parentJobId: Ref | null;
  childJobIds: Ref[];
  user: string;
  abortedByUser: boolean;
  startTime: number;
  endTime: number | null;
  extraInfo: string | null;
}

export type AnyObj =
  | ManagerObj
  | ServerPoolObj
  | ServerObj
  | VmObj
  | RepositoryObj
  | FileSystemObj
  | VirtualDiskObj
  | VmDiskMappingObj
  | JobObj
  | NetworkObj
  | VmCloneDefinitionObj
  | VmCloneStorageMappingObj;

export function ref(type: OvmType, value: string): Ref {
  return { type, value };
}

export function base(type: OvmType, value: string, name: string): Base {
  return {
    id: ref(type, value),
    name,
    description: '',
    locked: false,
    readOnly: false,
    generation: 1,
    userData: [],
    resourceGroupIds: [],
  };
}
