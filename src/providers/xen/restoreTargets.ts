// Where a restore can go on a Xen pool, in the neutral model's terms (core/model.ts StorageInfo, NetworkInfo): its
// SRs (with the host of a local one, type, free space, the pool default) and its networks (bridge, isolated). The
// provider's listStorage/listNetworks map its record cache with these; a restore reads them fresh over the wire.
import { NetworkInfo, StorageInfo } from '../../core/model';
import { NULL_REF, Ref, XapiClient } from './xapiClient';
import { XenHost, XenPool, XenSr } from './xenRecords';

interface XenPbd {
  SR: Ref;
  host: Ref;
}
interface XenNetwork {
  uuid: string;
  name_label: string;
  bridge: string;
  PIFs: Ref[];
}

/** The records the mapping reads (XAPI get_all_records of each class). */
export interface XenTargetRecords {
  srs: Record<Ref, XenSr>;
  pbds: Record<Ref, XenPbd>;
  hosts: Record<Ref, XenHost>;
  pools: Record<Ref, XenPool>;
}

/**
 * Every SR of the pool a VM can go to (ISO SRs left out: import.ml refuses them, SR_OPERATION_NOT_SUPPORTED), the
 * pool's default_SR first (where /import puts a VM without sr_id, importexport.ml sr_of_req), then by name. A local SR
 * names the host its PBD is on (the only host that can run the VM from it); free = physical_size −
 * physical_utilisation.
 */
export function xenStorage(r: XenTargetRecords): StorageInfo[] {
  const def = Object.values(r.pools)[0]?.default_SR ?? NULL_REF;
  return Object.entries(r.srs)
    .filter(([, s]) => s.content_type !== 'iso')
    .map(([ref, s]): StorageInfo => {
      const pbd = s.shared ? undefined : Object.values(r.pbds).find((p) => p.SR === ref);
      return {
        id: ref,
        uuid: s.uuid,
        name: s.name_label,
        type: s.type,
        shared: !!s.shared,
        hostId: pbd?.host,
        hostName: pbd ? r.hosts[pbd.host]?.name_label : undefined,
        freeBytes: Math.max(0, Number(s.physical_size) - Number(s.physical_utilisation)) || 0,
        capacityBytes: Number(s.physical_size) || undefined,
        isDefault: ref === def,
      };
    })
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

/** Every network of the pool, by name; `isolated` when no PIF connects it to a physical interface (internal only). */
export function xenNetworks(nets: Record<Ref, XenNetwork>): NetworkInfo[] {
  return Object.entries(nets)
    .map(([ref, n]) => ({
      id: ref,
      uuid: n.uuid,
      name: n.name_label,
      bridge: n.bridge,
      isolated: !(n.PIFs ?? []).length,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The pool's SRs read now (xenStorage). */
export async function listRestoreSrs(xapi: XapiClient): Promise<StorageInfo[]> {
  const [srs, pbds, hosts, pools] = await Promise.all([
    xapi.call<Record<Ref, XenSr>>('SR.get_all_records'),
    xapi.call<Record<Ref, XenPbd>>('PBD.get_all_records'),
    xapi.call<Record<Ref, XenHost>>('host.get_all_records'),
    xapi.call<Record<Ref, XenPool>>('pool.get_all_records'),
  ]);
  return xenStorage({ srs, pbds, hosts, pools });
}

/** The pool's networks read now (xenNetworks). */
export async function listRestoreNetworks(xapi: XapiClient): Promise<NetworkInfo[]> {
  return xenNetworks(await xapi.call<Record<Ref, XenNetwork>>('network.get_all_records'));
}
