// Live values for editing a catalog copy (guide P.66–67): datastore names, VM folders, resource pools and hosts, from
// the VCB host (`vcbUtil -c vmfolders|resourcepools`, the guide's way) and the vSphere inventory. The editor's
// completion hook (src/formats LiveValues) takes them as they are.
import { LiveValues } from '../../formats';
import { JobContext } from '../../core/job';
import { VsphereInventory } from '../vmware/vmwareRecords';
import { VcbHostSession } from './vcbHostSession';
import { outputLines, utilArgs } from './vcbWire';

/** The names a catalog copy may take, each with where it came from. */
export interface CatalogNames {
  datastores: string[];
  folders: string[];
  resourcePools: string[];
  hosts: string[];
}

/** Reads the names: vcbUtil on the VCB host (folders, pools) and the inventory (datastores, hosts). */
export async function readCatalogNames(
  h: VcbHostSession,
  inventory: VsphereInventory,
  ctx: JobContext,
): Promise<CatalogNames> {
  const folders = outputLines((await h.run(utilArgs('vmfolders'), ctx)).stdout);
  const resourcePools = outputLines((await h.run(utilArgs('resourcepools'), ctx)).stdout);
  return {
    datastores: [...new Set(inventory.datastores.filter((d) => d.accessible).map((d) => d.name))].sort(),
    folders,
    resourcePools,
    hosts: [...new Set(inventory.hosts.map((x) => x.name))].sort(),
  };
}

/**
 * A LiveValues for the 'vcb-catalog' language: datastore paths (`[<datastore>] `) for config.vmx, config.suspenddir,
 * config.logdir and disk.*.diskname; pools for resourcepool; hosts for host; folders for folderpath (the lab's key
 * name: the real one is not documented).
 */
export function catalogLiveValues(names: CatalogNames): LiveValues {
  return (languageId, key) => {
    if (languageId !== 'vcb-catalog') return [];
    if (/^config\.(vmx|suspenddir|logdir)$/.test(key) || /^disk\..+\.diskname$/.test(key))
      return names.datastores.map((d) => ({ value: `[${d}] `, detail: 'datastore (vSphere inventory)' }));
    if (key === 'resourcepool')
      return names.resourcePools.map((p) => ({ value: p, detail: 'vcbUtil -c resourcepools' }));
    if (key === 'host') return names.hosts.map((x) => ({ value: x, detail: 'host (vSphere inventory)' }));
    if (/folder/i.test(key)) return names.folders.map((f) => ({ value: f, detail: 'vcbUtil -c vmfolders' }));
    return [];
  };
}
