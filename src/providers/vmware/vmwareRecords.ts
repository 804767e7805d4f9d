// vSphere inventory records as this provider reads them (property paths of the vSphere API reference's managed
// objects), their decoding from PropertyCollector results, and their mapping into the neutral model.
import { NetworkInfo, PowerState, SnapshotInfo, StorageInfo, VmInfo } from '../../core/model';
import { ObjectContent, PropertySpec } from './vimPropertyCollector';
import {
  VimObject,
  VimValue,
  asList,
  asMoRef,
  asObject,
  asString,
  optBool,
  optMoRef,
  optNumber,
  optString,
} from './vimValue';

export interface VsphereDatacenter {
  id: string;
  name: string;
}
export interface VsphereCluster {
  id: string;
  name: string;
  datacenterId: string;
  hostIds: string[];
  /** The host folder holding the cluster (its `parent`). */
  folderId?: string;
}
/** A host; `computeResourceId` is its cluster or, for a standalone host, its own ComputeResource. */
export interface VsphereHost {
  id: string;
  name: string;
  datacenterId: string;
  computeResourceId: string;
  clusterId?: string;
  /** A standalone host: the host folder holding its ComputeResource (the ComputeResource's `parent`). */
  folderId?: string;
  /** runtime.connectionState: connected | disconnected | notResponding. */
  connectionState: string;
  inMaintenanceMode: boolean;
  powerState?: string;
  version?: string;
}
export interface VsphereResourcePool {
  id: string;
  name: string;
  datacenterId: string;
  parentId: string;
  ownerId?: string;
}
export interface VsphereFolder {
  id: string;
  name: string;
  datacenterId?: string;
  parentId?: string;
  childType: string[];
}
export interface VsphereVm {
  id: string;
  name: string;
  datacenterId: string;
  uuid: string;
  instanceUuid?: string;
  template: boolean;
  /** runtime.powerState: poweredOn | poweredOff | suspended. */
  powerState: string;
  guestFullName?: string;
  /** guest.toolsStatus (toolsNotInstalled | toolsNotRunning | toolsOld | toolsOk) and guest.toolsRunningStatus. */
  toolsStatus?: string;
  toolsRunningStatus?: string;
  /** guest.ipAddress: the primary IP address the guest's VMware Tools report (absent without Tools). */
  ipAddress?: string;
  consolidationNeeded: boolean;
  hostId?: string;
  resourcePoolId?: string;
  folderId?: string;
  datastoreIds: string[];
  memoryMB?: number;
  numCpu?: number;
  annotation?: string;
  snapshots: VsphereSnapshot[];
  currentSnapshotId?: string;
  /** The tasks queued or running on the VM now (TASK_SPEC: TaskInfo.name without `_Task`); absent when none. */
  operations?: string[];
}
/** One node of VirtualMachine.snapshot.rootSnapshotList, with its children. */
export interface VsphereSnapshot {
  id: string;
  vmId: string;
  name: string;
  description: string;
  snapshotId: number;
  createTime: Date;
  /** The VM's power state when it was taken (poweredOn with memory reverts to running). */
  state: string;
  quiesced: boolean;
  parentId?: string;
  isCurrent: boolean;
  children: VsphereSnapshot[];
}
export interface VsphereDatastore {
  id: string;
  name: string;
  datacenterId: string;
  type: string;
  capacityBytes: number;
  freeBytes: number;
  accessible: boolean;
  multipleHostAccess: boolean;
  url?: string;
  /** Datastore.host: the hosts that mount it (DatastoreHostMount.key), each HostSystem's moref. */
  hostIds: string[];
}
export interface VsphereNetwork {
  id: string;
  name: string;
  datacenterId: string;
  type: string;
}

export interface VsphereInventory {
  datacenters: VsphereDatacenter[];
  clusters: VsphereCluster[];
  hosts: VsphereHost[];
  resourcePools: VsphereResourcePool[];
  folders: VsphereFolder[];
  vms: VsphereVm[];
  datastores: VsphereDatastore[];
  networks: VsphereNetwork[];
}

const VM_PATHS = [
  'name',
  'parent',
  'config.uuid',
  'config.instanceUuid',
  'config.template',
  'config.guestFullName',
  'config.annotation',
  'config.hardware.memoryMB',
  'config.hardware.numCPU',
  'runtime.powerState',
  'runtime.host',
  'runtime.consolidationNeeded',
  'guest.toolsStatus',
  'guest.toolsRunningStatus',
  'guest.ipAddress',
  'resourcePool',
  'datastore',
  'snapshot',
];

/** What one RetrievePropertiesEx reads for the whole inventory (subtypes match: ComputeResource covers clusters). */
export const INVENTORY_SPECS: PropertySpec[] = [
  { type: 'Folder', pathSet: ['name', 'parent', 'childType'] },
  { type: 'Datacenter', pathSet: ['name', 'parent'] },
  { type: 'ComputeResource', pathSet: ['name', 'parent', 'host'] },
  {
    type: 'HostSystem',
    pathSet: [
      'name',
      'parent',
      'runtime.connectionState',
      'runtime.inMaintenanceMode',
      'runtime.powerState',
      'config.product.version',
    ],
  },
  { type: 'ResourcePool', pathSet: ['name', 'parent', 'owner'] },
  { type: 'VirtualMachine', pathSet: VM_PATHS },
  {
    type: 'Datastore',
    pathSet: [
      'name',
      'parent',
      'summary.type',
      'summary.capacity',
      'summary.freeSpace',
      'summary.accessible',
      'summary.multipleHostAccess',
      'summary.url',
      'host',
    ],
  },
  { type: 'Network', pathSet: ['name', 'parent'] },
];
export const VM_SPEC: PropertySpec = { type: 'VirtualMachine', pathSet: VM_PATHS };
/**
 * What the inventory reads of each recent task (TaskManager.recentTask, vimPropertyCollector.ts recentTasksObjectSet):
 * TaskInfo.state (queued | running | success | error), name (the method, e.g. CreateSnapshot_Task), descriptionId
 * (e.g. VirtualMachine.createSnapshot) and entity (the object it works on). A VM with a queued or running task is busy,
 * as a Xen VM with `current_operations` (vSphere API reference: TaskInfo, TaskInfoState).
 */
export const TASK_SPEC: PropertySpec = {
  type: 'Task',
  pathSet: ['info.state', 'info.name', 'info.descriptionId', 'info.entity'],
};

/** Builds the inventory from the objects of INVENTORY_SPECS; each object's datacenter comes from its parent chain. */
export function toInventory(objects: ObjectContent[]): VsphereInventory {
  const byId = new Map(objects.map((o) => [o.obj.value, o]));
  const dcOf = (id: string | undefined): string | undefined => {
    for (let i = 0, cur = id; cur && i < 64; i++) {
      const o = byId.get(cur);
      if (!o) return undefined;
      if (o.obj.type === 'Datacenter') return cur;
      cur = optMoRef(o.props.parent, 'parent')?.value;
    }
    return undefined;
  };
  const inv: VsphereInventory = {
    datacenters: [],
    clusters: [],
    hosts: [],
    resourcePools: [],
    folders: [],
    vms: [],
    datastores: [],
    networks: [],
  };
  const clusterOfHost = new Map<string, string>();
  for (const o of objects)
    if (o.obj.type === 'ClusterComputeResource')
      for (const h of asList(o.props.host)) clusterOfHost.set(asMoRef(h, 'host').value, o.obj.value);
  const parentOf = (id: string) => optMoRef(byId.get(id)?.props.parent, 'parent')?.value;
  const busy = runningTasks(objects);
  for (const o of objects) {
    const id = o.obj.value;
    const p = o.props;
    const name = asString(p.name ?? '', `${o.obj.type} ${id} name`);
    const parentId = optMoRef(p.parent, 'parent')?.value;
    const dc = dcOf(parentId) ?? '';
    switch (o.obj.type) {
      case 'Datacenter':
        inv.datacenters.push({ id, name });
        break;
      case 'Folder':
        inv.folders.push({
          id,
          name,
          parentId,
          datacenterId: dcOf(parentId),
          childType: asList(p.childType).map((t) => asString(t, 'childType')),
        });
        break;
      case 'ClusterComputeResource':
        inv.clusters.push({
          id,
          name,
          datacenterId: dc,
          hostIds: asList(p.host).map((h) => asMoRef(h, 'host').value),
          folderId: parentId,
        });
        break;
      case 'HostSystem':
        inv.hosts.push({
          id,
          name,
          datacenterId: dc,
          computeResourceId: parentId ?? '',
          clusterId: clusterOfHost.get(id),
          folderId: clusterOfHost.has(id) || !parentId ? undefined : parentOf(parentId),
          connectionState: optString(p['runtime.connectionState'], 'runtime.connectionState') ?? 'unknown',
          inMaintenanceMode: optBool(p['runtime.inMaintenanceMode'], 'runtime.inMaintenanceMode') ?? false,
          powerState: optString(p['runtime.powerState'], 'runtime.powerState'),
          version: optString(p['config.product.version'], 'config.product.version'),
        });
        break;
      case 'ResourcePool':
      case 'VirtualApp':
        inv.resourcePools.push({
          id,
          name,
          datacenterId: dc,
          parentId: parentId ?? '',
          ownerId: optMoRef(p.owner, 'owner')?.value,
        });
        break;
      case 'VirtualMachine': {
        const operations = busy.get(id);
        inv.vms.push(operations ? { ...toVm(o, dc), operations } : toVm(o, dc));
        break;
      }
      case 'Datastore':
        inv.datastores.push({
          id,
          name,
          datacenterId: dc,
          type: optString(p['summary.type'], 'summary.type') ?? '',
          capacityBytes: optNumber(p['summary.capacity'], 'summary.capacity') ?? 0,
          freeBytes: optNumber(p['summary.freeSpace'], 'summary.freeSpace') ?? 0,
          accessible: optBool(p['summary.accessible'], 'summary.accessible') ?? false,
          multipleHostAccess: optBool(p['summary.multipleHostAccess'], 'summary.multipleHostAccess') ?? false,
          url: optString(p['summary.url'], 'summary.url'),
          hostIds: asList(p.host).map(
            (m) => asMoRef(asObject(m, 'DatastoreHostMount').key, 'DatastoreHostMount.key').value,
          ),
        });
        break;
      case 'Network':
      case 'DistributedVirtualPortgroup':
      case 'OpaqueNetwork':
        inv.networks.push({ id, name, datacenterId: dc, type: o.obj.type });
        break;
      default:
        break; // a standalone host's ComputeResource: its host is listed
    }
  }
  return inv;
}

/** The queued and running tasks (TASK_SPEC) by the moref of the entity they work on: their names, without `_Task`. */
function runningTasks(objects: ObjectContent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of objects) {
    if (o.obj.type !== 'Task') continue;
    const state = optString(o.props['info.state'], 'TaskInfo.state');
    const entity = optMoRef(o.props['info.entity'], 'TaskInfo.entity');
    if ((state !== 'running' && state !== 'queued') || !entity) continue;
    const name =
      optString(o.props['info.name'], 'TaskInfo.name')?.replace(/_Task$/, '') ||
      optString(o.props['info.descriptionId'], 'TaskInfo.descriptionId') ||
      'task';
    out.set(entity.value, [...(out.get(entity.value) ?? []), name]);
  }
  return out;
}

/** A VirtualMachine's properties (VM_SPEC) as a record. */
export function toVm(o: ObjectContent, datacenterId: string): VsphereVm {
  const p = o.props;
  const id = o.obj.value;
  const snapInfo = p.snapshot !== undefined ? asObject(p.snapshot, 'VirtualMachine.snapshot') : undefined;
  const currentSnapshotId = optMoRef(snapInfo?.currentSnapshot, 'snapshot.currentSnapshot')?.value;
  return {
    id,
    name: asString(p.name ?? '', `VirtualMachine ${id} name`),
    datacenterId,
    uuid: optString(p['config.uuid'], 'config.uuid') ?? '',
    instanceUuid: optString(p['config.instanceUuid'], 'config.instanceUuid'),
    template: optBool(p['config.template'], 'config.template') ?? false,
    powerState: optString(p['runtime.powerState'], 'runtime.powerState') ?? 'unknown',
    guestFullName: optString(p['config.guestFullName'], 'config.guestFullName'),
    annotation: optString(p['config.annotation'], 'config.annotation'),
    toolsStatus: optString(p['guest.toolsStatus'], 'guest.toolsStatus'),
    toolsRunningStatus: optString(p['guest.toolsRunningStatus'], 'guest.toolsRunningStatus'),
    ipAddress: optString(p['guest.ipAddress'], 'guest.ipAddress'),
    consolidationNeeded: optBool(p['runtime.consolidationNeeded'], 'runtime.consolidationNeeded') ?? false,
    hostId: optMoRef(p['runtime.host'], 'runtime.host')?.value,
    resourcePoolId: optMoRef(p.resourcePool, 'resourcePool')?.value,
    folderId: optMoRef(p.parent, 'parent')?.value,
    datastoreIds: asList(p.datastore).map((d) => asMoRef(d, 'datastore').value),
    memoryMB: optNumber(p['config.hardware.memoryMB'], 'config.hardware.memoryMB'),
    numCpu: optNumber(p['config.hardware.numCPU'], 'config.hardware.numCPU'),
    snapshots: asList(snapInfo?.rootSnapshotList).map((n) => toSnapshot(n, id, undefined, currentSnapshotId)),
    currentSnapshotId,
  };
}

function toSnapshot(
  v: VimValue,
  vmId: string,
  parentId: string | undefined,
  current: string | undefined,
): VsphereSnapshot {
  const n: VimObject = asObject(v, 'VirtualMachineSnapshotTree');
  const id = asMoRef(n.snapshot, 'VirtualMachineSnapshotTree.snapshot').value;
  const time = new Date(optString(n.createTime, 'createTime') ?? '');
  return {
    id,
    vmId,
    parentId,
    name: optString(n.name, 'snapshot name') ?? '',
    description: optString(n.description, 'snapshot description') ?? '',
    snapshotId: optNumber(n.id, 'snapshot id') ?? 0,
    createTime: time,
    state: optString(n.state, 'snapshot state') ?? '',
    quiesced: optBool(n.quiesced, 'quiesced') ?? false,
    isCurrent: id === current,
    children: asList(n.childSnapshotList).map((c) => toSnapshot(c, vmId, id, current)),
  };
}

/** Every snapshot of a tree, parents before children. */
export function flattenSnapshots(roots: VsphereSnapshot[]): VsphereSnapshot[] {
  return roots.flatMap((s) => [s, ...flattenSnapshots(s.children)]);
}

/** runtime.powerState → the model's power state. */
export function powerState(s: string): PowerState {
  return s === 'poweredOn' ? 'running' : s === 'poweredOff' ? 'halted' : s === 'suspended' ? 'suspended' : 'unknown';
}

/**
 * How this tool marks its snapshots (vSphere snapshots have no tags or other_config): a description that starts with
 * MADE_BY for every snapshot it makes, and TEMPORARY_DESCRIPTION exactly, with a name starting TEMPORARY_PREFIX, for the
 * temporary snapshot of an export — the only ones cleanup may remove.
 */
export const MADE_BY = 'Made by VM Backup Explorer';
export const TEMPORARY_PREFIX = 'vmbackup-temp ';
export const TEMPORARY_DESCRIPTION = `${MADE_BY}: temporary snapshot of an export, removed after it`;

/** A temporary export snapshot of this tool (both marks), never a user's snapshot. */
export function isTemporarySnapshot(s: VsphereSnapshot): boolean {
  return s.name.startsWith(TEMPORARY_PREFIX) && s.description === TEMPORARY_DESCRIPTION;
}

/** Model mappings (the tree's containers: vmwareContainers.ts). */
export function toVmInfo(v: VsphereVm): VmInfo {
  return {
    id: v.id,
    uuid: v.instanceUuid || v.uuid,
    name: v.name,
    powerState: powerState(v.powerState),
    hostId: v.hostId,
    poolId: v.datacenterId,
    description: v.annotation,
    memoryBytes: v.memoryMB !== undefined ? v.memoryMB * 1024 * 1024 : undefined,
    vcpus: v.numCpu,
    snapshotCount: flattenSnapshots(v.snapshots).length,
    toolsRunning: v.toolsRunningStatus === 'guestToolsRunning',
    consolidationNeeded: v.consolidationNeeded,
    ...(v.ipAddress ? { ipAddresses: [v.ipAddress] } : {}),
    ...(v.operations?.length ? { operations: v.operations } : {}),
  };
}
export function toSnapshotInfo(s: VsphereSnapshot): SnapshotInfo {
  return {
    id: s.id,
    uuid: `${s.vmId}/${s.snapshotId}`,
    vmId: s.vmId,
    name: s.name,
    time: s.createTime,
    parentId: s.parentId,
    madeByUs: s.description.startsWith(MADE_BY),
    isCurrent: s.isCurrent,
    withMemory: s.state === 'poweredOn' || s.state === 'suspended',
  };
}
/**
 * A datastore in the model. A local one — summary.multipleHostAccess false and mounted on exactly one host
 * (Datastore.host, vSphere API reference: DatastoreSummary.multipleHostAccess "more than one host … can access it",
 * DatastoreHostMount.key) — names that host (`hostId`, and `hostName` from `hosts`), as a Xen local SR does.
 */
export function toStorageInfo(d: VsphereDatastore, hosts: VsphereHost[] = []): StorageInfo {
  const local = !d.multipleHostAccess && d.hostIds.length === 1 ? d.hostIds[0] : undefined;
  const hostName = local ? hosts.find((h) => h.id === local)?.name : undefined;
  return {
    ...(local ? { hostId: local } : {}),
    ...(hostName ? { hostName } : {}),
    id: d.id,
    name: d.name,
    type: d.type,
    shared: d.multipleHostAccess,
    freeBytes: d.freeBytes,
    capacityBytes: d.capacityBytes,
    isDefault: false,
  };
}
export function toNetworkInfo(n: VsphereNetwork): NetworkInfo {
  return { id: n.id, name: n.name, type: n.type };
}
