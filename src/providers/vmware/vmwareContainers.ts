// The vSphere inventory as the tree's levels, as the vSphere Client's "Hosts and Clusters" view shows it (vSphere
// Virtual Machine Administration / vCenter Server and Host Management, "Hosts and Clusters" inventory view: datacenter
// → host folders → clusters and standalone hosts → resource pools → VMs; the datacenter's own root host folder,
// Datacenter.hostFolder, is not shown as a level): datacenter → the children of its root host folder; host folder →
// its subfolders that hold a cluster or host (at any depth), its clusters and standalone hosts (a standalone host's
// ComputeResource is not a level: its host stands for it, as in the client); cluster → its hosts and resource pools;
// host → the VMs it runs (outside child resource pools); resource pool → its child pools and VMs. VM folders belong
// to the client's other view ("VMs and Templates") and are not levels here. Templates are not listed; a VM with no
// host (not yet registered on one) is listed under its datacenter.
import { ContainerInfo, ContainerRef, InventoryItem } from '../../core/model';
import { VendorError } from '../../core/errors';
import { VsphereHost, VsphereInventory, VsphereResourcePool, VsphereVm, toVmInfo } from './vmwareRecords';
import { hostFolderChildren, rootHostFolder } from './vmwareFolders';

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

function hostItem(h: VsphereHost): ContainerInfo {
  const state =
    h.connectionState !== 'connected' ? ` · ${h.connectionState}` : h.inMaintenanceMode ? ' · maintenance mode' : '';
  return {
    type: 'container',
    kind: 'host',
    icon: 'host',
    id: h.id,
    name: h.name,
    detail: `${h.version ? 'ESXi ' + h.version : ''}${state}`.replace(/^ · /, ''),
    isHost: true,
    enabled: h.connectionState === 'connected' && !h.inMaintenanceMode,
  };
}
const poolItem = (p: VsphereResourcePool): ContainerInfo => ({
  type: 'container',
  kind: 'resourcePool',
  icon: 'resourcePool',
  id: p.id,
  name: p.name,
});
const vmItems = (vms: VsphereVm[]): InventoryItem[] =>
  vms
    .filter((v) => !v.template)
    .sort(byName)
    .map((v) => ({ type: 'vm', vm: toVmInfo(v) }));

/**
 * Where the tree lists a VM: the id of its datacenter when it has no host; of its resource pool when that is a child
 * pool (not the compute resource's root pool); else of its host. The function is built once per inventory.
 */
export function vmPlacer(inv: VsphereInventory): (v: VsphereVm) => string {
  const parentOfPool = new Map(inv.resourcePools.map((p) => [p.id, p.parentId]));
  return (v) => {
    if (!v.hostId) return v.datacenterId;
    const poolParent = v.resourcePoolId ? parentOfPool.get(v.resourcePoolId) : undefined;
    return poolParent !== undefined && parentOfPool.has(poolParent) ? v.resourcePoolId! : v.hostId;
  };
}

/** A host folder's level: its folders that hold something, clusters, standalone hosts (each group by name). */
function levelItems(inv: VsphereInventory, folderId: string | undefined): InventoryItem[] {
  const level = hostFolderChildren(inv, folderId);
  return [
    ...level.folders
      .sort(byName)
      .map((f): ContainerInfo => ({ type: 'container', kind: 'folder', icon: 'folder', id: f.id, name: f.name })),
    ...level.clusters
      .sort(byName)
      .map((c): ContainerInfo => ({ type: 'container', kind: 'cluster', icon: 'cluster', id: c.id, name: c.name })),
    ...level.hosts.sort(byName).map(hostItem),
  ];
}

/** The children of `parent` (datacenters when absent). ManagedObjectNotFound for a container no longer there. */
export function containerChildren(inv: VsphereInventory, parent?: ContainerRef): InventoryItem[] {
  const isPool = new Set(inv.resourcePools.map((p) => p.id));
  const listedUnder = vmPlacer(inv);
  if (!parent)
    return [...inv.datacenters]
      .sort(byName)
      .map((d) => ({ type: 'container', kind: 'datacenter', icon: 'datacenter', id: d.id, name: d.name }));
  switch (parent.kind) {
    case 'datacenter':
      if (!inv.datacenters.some((d) => d.id === parent.id)) break;
      return [
        ...levelItems(inv, rootHostFolder(inv, parent.id)),
        ...vmItems(inv.vms.filter((v) => listedUnder(v) === parent.id)),
      ];
    case 'folder':
      if (!inv.folders.some((f) => f.id === parent.id)) break;
      return levelItems(inv, parent.id);
    case 'cluster': {
      const cluster = inv.clusters.find((c) => c.id === parent.id);
      if (!cluster) break;
      const root = inv.resourcePools.find((p) => p.parentId === cluster.id);
      return [
        ...inv.hosts
          .filter((h) => h.clusterId === cluster.id)
          .sort(byName)
          .map(hostItem),
        ...inv.resourcePools
          .filter((p) => !!root && p.parentId === root.id)
          .sort(byName)
          .map(poolItem),
      ];
    }
    case 'host':
      if (!inv.hosts.some((h) => h.id === parent.id)) break;
      return vmItems(inv.vms.filter((v) => listedUnder(v) === parent.id));
    case 'resourcePool':
      if (!isPool.has(parent.id)) break;
      return [
        ...inv.resourcePools
          .filter((p) => p.parentId === parent.id)
          .sort(byName)
          .map(poolItem),
        ...vmItems(inv.vms.filter((v) => listedUnder(v) === parent.id)),
      ];
    default:
      break;
  }
  throw new VendorError('ManagedObjectNotFound', [`${parent.kind}:${parent.id}`]);
}
