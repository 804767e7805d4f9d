// Where a restored vSphere VM goes (VCB's "restore to the original or another place", seeds/vmware-vcb-esx35-vm-backup-
// guide.ja.txt): datastore, host or cluster, resource pool, VM folder, and a network of the target datacenter for each
// NIC of the backed-up .vmx — all resolved against the inventory and refused (naming what is missing) before anything
// is uploaded. Folder.RegisterVM_Task takes the folder, pool and host (vSphere API reference); the NICs' networks are
// the .vmx's `ethernet<N>.networkName`, which ESX(i) reads when it registers the VM, or, for a distributed port group,
// connected after registration (vmwareDvsNics.ts).
import { CatalogEntry } from '../../core/repository';
import { VendorError } from '../../core/errors';
import { choicesText, notFoundText, plural } from '../../core/notFound';
import { safeName } from '../../core/safeName';
import { NetworkInfo, PlacementChoice } from '../../core/model';
import { RestoreOptions } from '../../core/provider';
import { BackupNic, findNetwork, planNics } from '../../core/restoreNetworks';
import { VsphereDatastore, VsphereInventory } from './vmwareRecords';
import { RestorePlace } from './vmwareRestore';
import { toNetworkInfo } from './vmwareRecords';
import { NicNetworks } from './vmwareDvsNics';

/** Morefs or names (a name must be unambiguous where it is looked up); every field optional. */
export interface PlacementRequest {
  /** Datastore moref or name; default: the datastore of the backed-up .vmx in the source datacenter. */
  storageId?: string;
  /** Host moref or name; default: the backed-up VM's host when it is in the target datacenter. */
  hostId?: string;
  /** Cluster moref or name: its root resource pool (and DRS/HA choose the host unless `hostId`). */
  clusterId?: string;
  /** Resource pool moref or name; default: the root pool of the host's or cluster's compute resource. */
  resourcePoolId?: string;
  /** VM folder moref or name; default: the datacenter's root VM folder. */
  folderId?: string;
  /** NIC (`ethernet0`…) → network name or moref of the target datacenter; NICs not named keep their network's name. */
  networkMap?: Record<string, string>;
}

/** The target of a restore, checked against the inventory: see PlacementRequest for the defaults. */
export function resolvePlacement(inv: VsphereInventory, entry: CatalogEntry, o: PlacementRequest): RestorePlace {
  const m = entry.manifest!;
  // The backup holds `<datastore>/<dir>/<file>`: by default the VM goes back to the datastore of its .vmx.
  const sourceDs = m.files.find((f) => /\.vmx$/i.test(f.name))?.name.split('/')[0];
  const fromSource = (d: VsphereDatastore) => d.datacenterId === m.source.pool?.id && safeName(d.name) === sourceDs;
  const datastore = o.storageId
    ? pick(inv.datastores, o.storageId, 'datastore', 'the inventory')
    : inv.datastores.find(fromSource);
  if (!datastore)
    throw new VendorError('NOT_FOUND', [
      `the datastore ${sourceDs ?? ''} the backup came from: choose a target datastore (--datastore); the datastores: ${choicesText(inv.datastores.map((d) => d.name))}`,
    ]);
  const datacenter = inv.datacenters.find((d) => d.id === datastore.datacenterId);
  if (!datacenter) throw new VendorError('NOT_FOUND', [`the datacenter of datastore ${datastore.name}`]);
  const inDc = <T extends { datacenterId?: string }>(xs: T[]) => xs.filter((x) => x.datacenterId === datacenter.id);
  const where = `datacenter ${datacenter.name}`;

  const cluster = o.clusterId ? pick(inDc(inv.clusters), o.clusterId, 'cluster', where) : undefined;
  const host = o.hostId
    ? pick(inDc(inv.hosts), o.hostId, 'host', where)
    : !cluster
      ? inDc(inv.hosts).find((h) => h.id === m.source.host?.id)
      : undefined;
  if (cluster && host && host.clusterId !== cluster.id)
    throw new VendorError('INVALID_PLACEMENT', [`host ${host.name} is not in cluster ${cluster.name}`]);
  const computeResourceId = cluster?.id ?? host?.computeResourceId;
  const pools = inDc(inv.resourcePools);
  const isRoot = (p: { parentId: string }) => !inv.resourcePools.some((q) => q.id === p.parentId);
  const ownPools = pools.filter((p) => !computeResourceId || p.ownerId === computeResourceId);
  const pool = o.resourcePoolId
    ? pick(
        ownPools,
        o.resourcePoolId,
        'resource pool',
        `${computeResourceId ? `${cluster?.name ?? host?.name} in ` : ''}${where}`,
      )
    : ownPools.find(isRoot);
  if (!pool) throw new VendorError('NOT_FOUND', [`a resource pool in ${where}`]);
  const folders = inDc(inv.folders).filter((f) => f.childType.includes('VirtualMachine'));
  const folder = o.folderId
    ? pick(folders, o.folderId, 'VM folder', where)
    : folders.find((f) => f.parentId === datacenter.id);
  if (!folder) throw new VendorError('NOT_FOUND', [`the VM folder of ${datacenter.name}`]);
  return { datacenter, datastore, folderId: folder.id, resourcePoolId: pool.id, hostId: host?.id };
}

/**
 * The neutral RestoreOptions as vSphere's placement: `storageId` the datastore, `placement.container` a `host` or
 * `cluster` (a `serverPool` is not a vSphere word: refused), `placement.resourcePoolId`, `placement.folderId`,
 * `networkMap` NIC → network.
 */
export function placementRequest(o: RestoreOptions): PlacementRequest {
  const c = o.placement?.container;
  if (c && c.kind !== 'host' && c.kind !== 'cluster')
    throw new VendorError('INVALID_PLACEMENT', [`a vSphere VM goes to a host or a cluster, not a ${c.kind}`]);
  return {
    storageId: o.storageId,
    hostId: c?.kind === 'host' ? c.id : undefined,
    clusterId: c?.kind === 'cluster' ? c.id : undefined,
    resourcePoolId: o.placement?.resourcePoolId,
    folderId: o.placement?.folderId,
    networkMap: o.networkMap,
  };
}

/**
 * Where a restored VM can go (Provider.listPlacement): each connected host and each cluster, each resource pool (with
 * the hosts or cluster it belongs to: a pool is offered only under the container chosen) and each VM folder, with the
 * datacenter in the path.
 */
export function placementChoices(inv: VsphereInventory): PlacementChoice[] {
  const dc = (id?: string) => inv.datacenters.find((d) => d.id === id)?.name ?? '';
  const folderPath = (id: string | undefined): string[] => {
    const f = inv.folders.find((x) => x.id === id);
    return f ? [...folderPath(f.parentId), f.name] : [];
  };
  const owners = (ownerId?: string) => [
    ...inv.clusters.filter((c) => c.id === ownerId).map((c) => c.id),
    ...inv.hosts.filter((h) => h.computeResourceId === ownerId).map((h) => h.id),
  ];
  return [
    ...inv.hosts.map((h): PlacementChoice => ({
      kind: 'host',
      id: h.id,
      name: h.name,
      path: [dc(h.datacenterId), inv.clusters.find((c) => c.id === h.clusterId)?.name].filter(Boolean).join('/'),
      detail:
        h.connectionState !== 'connected' ? h.connectionState : h.inMaintenanceMode ? 'in maintenance' : undefined,
    })),
    ...inv.clusters.map((c): PlacementChoice => ({
      kind: 'cluster',
      id: c.id,
      name: c.name,
      path: dc(c.datacenterId),
      detail: `${c.hostIds.length} host(s)`,
    })),
    ...inv.resourcePools.map((r): PlacementChoice => ({
      kind: 'resourcePool',
      id: r.id,
      name: r.name,
      path: dc(r.datacenterId),
      within: owners(r.ownerId),
    })),
    ...inv.folders
      .filter((f) => f.childType.includes('VirtualMachine'))
      .map((f): PlacementChoice => ({
        kind: 'folder',
        id: f.id,
        name: f.name,
        path: [dc(f.datacenterId), ...folderPath(f.parentId)].filter(Boolean).join('/'),
      })),
  ];
}

/**
 * The network of each NIC of the backed-up .vmx in the target datacenter, planned as every platform's (core
 * restoreNetworks.ts planNics): `map[nic]` if given (a network's moref or unique name), else the network of the same
 * name. NETWORK_NOT_FOUND names the NIC and the network when there is none (before anything is uploaded); a NIC in
 * `map` that the .vmx does not have is refused too (INVALID_ARGUMENT). A standard port group goes to `networkNames`, a
 * distributed port group to `portgroups` (NicNetworks); an OpaqueNetwork (NSX) is refused (NOT_SUPPORTED).
 */
export function resolveNetworks(
  inv: VsphereInventory,
  datacenterId: string,
  nics: Record<string, string>,
  map: Record<string, string> = {},
): NicNetworks {
  const backed: BackupNic[] = Object.entries(nics).map(([key, network]) => ({ key, network }));
  const out: NicNetworks = { networkNames: {}, portgroups: {} };
  for (const { nic, to } of nicTargets(inv, datacenterId, backed, map, 'its .vmx')) {
    if (to.type === 'Network') out.networkNames[nic.key] = to.name;
    else if (to.type === 'DistributedVirtualPortgroup') out.portgroups[nic.key] = to.id;
    else
      throw new VendorError('NOT_SUPPORTED', [
        `${nic.key} → "${to.name}" is a ${to.type}: a restore maps NICs to standard or distributed port groups only`,
      ]);
  }
  return out;
}

/**
 * The networkMapping of an OVF import (ResourcePool.ImportVApp maps each network name of the descriptor, not each
 * NIC): the NICs the manifest recorded from the descriptor (`ethernet<N>`, on the descriptor's network `network`),
 * planned as resolveNetworks plans a .vmx's (`map[nic]`, else the network of the same name; any network type, a
 * distributed port group too). Two NICs of one descriptor network sent to different networks cannot be imported so:
 * INVALID_ARGUMENT naming both. Returns descriptor network name → target network moref.
 */
export function resolveOvfNetworks(
  inv: VsphereInventory,
  datacenterId: string,
  nics: BackupNic[],
  map: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const by: Record<string, string> = {};
  for (const { nic, to } of nicTargets(inv, datacenterId, nics, map, 'its OVF descriptor')) {
    const from = nic.network ?? '';
    if (from in out && out[from] !== to.id)
      throw new VendorError('INVALID_ARGUMENT', [
        `${by[from]} and ${nic.key} are both on "${from}" in the OVF descriptor, which an OVF import maps to one network: map them to the same network`,
      ]);
    out[from] = to.id;
    by[from] ??= nic.key;
  }
  return out;
}

/** Each NIC with its target network in the datacenter (see resolveNetworks); `source` names where the NICs come from. */
function nicTargets(
  inv: VsphereInventory,
  datacenterId: string,
  backed: BackupNic[],
  map: Record<string, string>,
  source: string,
): { nic: BackupNic; to: NetworkInfo }[] {
  for (const nic of Object.keys(map))
    if (!backed.some((b) => b.key === nic))
      throw new VendorError('INVALID_ARGUMENT', [
        `${nic} is not a NIC of the backed-up VM (${source} has ${backed.map((b) => b.key).join(', ') || 'none'})`,
      ]);
  const networks = inv.networks.filter((n) => n.datacenterId === datacenterId).map(toNetworkInfo);
  const dc = inv.datacenters.find((d) => d.id === datacenterId)?.name ?? datacenterId;
  return backed.map((nic) => {
    const wanted = map[nic.key] ?? nic.network!;
    try {
      const plan = planNics([nic], networks, map[nic.key] ? { [nic.key]: wanted } : {}, `datacenter ${dc}`)[0];
      return { nic, to: plan.to ?? findNetwork(networks, wanted, `datacenter ${dc}`) };
    } catch (e) {
      const n = networks.filter((x) => x.id === wanted || x.name === wanted).length;
      throw new VendorError('NETWORK_NOT_FOUND', [
        `${n ? `${n} networks are` : 'no network is'} named "${wanted}" in datacenter ${dc} (for ${nic.key}${map[nic.key] ? '' : `, connected to "${nic.network}" when backed up`}): map it with --network ${nic.key}=<network>`,
        (e as Error).message,
      ]);
    }
  });
}

/**
 * The one object of `xs` (the `word`s of `where`) whose moref or name is `idOrName`; NOT_FOUND listing the names of
 * `xs` (core/notFound.ts), or AMBIGUOUS (use the moref) otherwise.
 */
function pick<T extends { id: string; name: string }>(xs: T[], idOrName: string, word: string, where: string): T {
  const byId = xs.find((x) => x.id === idOrName);
  if (byId) return byId;
  const byName = xs.filter((x) => x.name === idOrName);
  if (byName.length === 1) return byName[0];
  if (!byName.length)
    throw new VendorError('NOT_FOUND', [
      notFoundText(
        word,
        idOrName,
        where,
        xs.map((x) => x.name),
      ),
    ]);
  throw new VendorError('AMBIGUOUS', [
    `${byName.length} ${plural(word)} in ${where} are named "${idOrName}": use the moref (${byName.map((x) => x.id).join(', ')})`,
  ]);
}
