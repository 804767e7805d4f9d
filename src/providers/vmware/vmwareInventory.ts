// The whole vSphere inventory in one paged PropertyCollector retrieval from the root folder, and one VM's record.
import { VimClient } from './vimClient';
import { retrieveFromContainer, retrieveObject } from './vimPropertyCollector';
import { INVENTORY_SPECS, VM_SPEC, VsphereInventory, VsphereVm, toInventory, toVm } from './vmwareRecords';
import { VendorError } from '../../core/errors';

/**
 * Objects per RetrievePropertiesEx page (options.maxObjects) of a whole-inventory read: about 0.7 MB of reply per 250
 * VMs (vcsim). Each next page is asked for as soon as its token is read (vimPropertyCollector.ts), so the server
 * builds page N+1 while page N is decoded here: the smaller the page, the less decoding is left after the last byte.
 * Measured on 2,000 VMs (`npm run bench:vsphere`, BENCH_VSPHERE_PAGE): pages of 250 took 1.01–1.27× curl following
 * the same tokens in four runs, pages of 1,000 1.14–1.69× in four (docs/benchmarks.md).
 */
export const INVENTORY_PAGE = 250;

export interface InventoryOptions {
  /** Objects per page (default INVENTORY_PAGE). */
  maxObjects?: number;
  signal?: AbortSignal;
  onPage?: (objectsSoFar: number) => void;
}

/** Datacenters, clusters, hosts, resource pools, folders, VMs (templates included, see `template`), datastores, networks. */
export async function readInventory(client: VimClient, opts: InventoryOptions = {}): Promise<VsphereInventory> {
  const objects = await retrieveFromContainer(client, client.content.rootFolder, INVENTORY_SPECS, {
    maxObjects: opts.maxObjects ?? INVENTORY_PAGE,
    signal: opts.signal,
    onPage: opts.onPage,
  });
  return toInventory(objects);
}

/** One VM's record (datacenterId left empty: the caller knows it from the inventory). ManagedObjectNotFound if gone. */
export async function readVm(client: VimClient, vmId: string, signal?: AbortSignal): Promise<VsphereVm> {
  const o = await retrieveObject(client, { type: 'VirtualMachine', value: vmId }, VM_SPEC.pathSet, signal);
  if (!o) throw new VendorError('ManagedObjectNotFound', [`VirtualMachine:${vmId}`]);
  return toVm(o, '');
}
