// The host folders of a vSphere inventory: a datacenter's root host folder (Datacenter.hostFolder, the Folder whose
// parent is the datacenter and whose childType holds ComputeResource: vSphere API reference, Folder.childType) and
// what one folder directly holds, with the folders that hold no cluster or host at any depth left out.
import { VsphereCluster, VsphereFolder, VsphereHost, VsphereInventory } from './vmwareRecords';

/** A host folder's direct children: subfolders holding a cluster or host somewhere below, clusters, standalone hosts. */
export interface HostFolderLevel {
  folders: VsphereFolder[];
  clusters: VsphereCluster[];
  hosts: VsphereHost[];
}

const isHostFolder = (f: VsphereFolder) => f.childType.includes('ComputeResource');

/** The datacenter's root host folder's id; undefined when the inventory has none (then nothing is below it). */
export function rootHostFolder(inv: VsphereInventory, datacenterId: string): string | undefined {
  return inv.folders.find((f) => f.parentId === datacenterId && isHostFolder(f))?.id;
}

/** What host folder `folderId` holds directly (empty when undefined); each list in the inventory's order. */
export function hostFolderChildren(inv: VsphereInventory, folderId: string | undefined): HostFolderLevel {
  if (!folderId) return { folders: [], clusters: [], hosts: [] };
  const holding = nonEmptyFolders(inv);
  return {
    folders: inv.folders.filter((f) => f.parentId === folderId && holding.has(f.id)),
    clusters: inv.clusters.filter((c) => c.folderId === folderId),
    hosts: inv.hosts.filter((h) => !h.clusterId && h.folderId === folderId),
  };
}

/** Ids of the host folders with a cluster or a standalone host at some depth below them. */
function nonEmptyFolders(inv: VsphereInventory): Set<string> {
  const parent = new Map(inv.folders.filter(isHostFolder).map((f) => [f.id, f.parentId]));
  const holding = new Set<string>();
  const mark = (folderId: string | undefined) => {
    for (let cur = folderId, i = 0; cur && parent.has(cur) && !holding.has(cur) && i < 64; i++) {
      holding.add(cur);
      cur = parent.get(cur);
    }
  };
  for (const c of inv.clusters) mark(c.folderId);
  for (const h of inv.hosts) if (!h.clusterId) mark(h.folderId);
  return holding;
}
