// Where a restore can go on a Xen pool: its SRs (with the host of a local one, type, free space, the pool default)
// and its networks, and the checks made before an import: the SR exists and has room, every VIF of the backup has a
// network on the target pool.
import { NULL_REF, Ref, XapiClient } from './xapiClient';
import { XenHost, XenPool, XenSr } from './xenRecords';

/** An SR a VM can be imported to (ISO SRs left out: import.ml refuses them, SR_OPERATION_NOT_SUPPORTED). */
export interface RestoreSr {
  ref: Ref;
  uuid: string;
  name: string;
  /** SR type: lvm, ext, nfs, lvmoiscsi… */
  type: string;
  shared: boolean;
  /** A local (not shared) SR: the host its PBD is on, the only host that can run the VM from it. */
  host?: string;
  /** physical_size − physical_utilisation, bytes. */
  freeBytes: number;
  /** The pool's default_SR: where /import puts the VM without sr_id (importexport.ml sr_of_req). */
  isDefault: boolean;
}

/** A network of the target pool; `isolated` when no PIF connects it to a physical interface (internal only). */
export interface RestoreNetwork {
  ref: Ref;
  uuid: string;
  name: string;
  bridge: string;
  isolated: boolean;
}

/** One VIF of the backup (manifest `source.vm.macs`) and the target network it will be on. */
export interface VifPlan {
  device: string;
  mac: string;
  /** The network's name_label when the backup was made; undefined for backups that did not record it. */
  from?: string;
  to?: RestoreNetwork;
  how: 'same name' | 'same bridge' | 'mapped' | 'unknown' | 'missing';
}

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

/** Every SR of the pool a VM can go to, the default first, then by name. */
export async function listRestoreSrs(xapi: XapiClient): Promise<RestoreSr[]> {
  const [srs, pbds, hosts, pools] = await Promise.all([
    xapi.call<Record<Ref, XenSr>>('SR.get_all_records'),
    xapi.call<Record<Ref, XenPbd>>('PBD.get_all_records'),
    xapi.call<Record<Ref, XenHost>>('host.get_all_records'),
    xapi.call<Record<Ref, XenPool>>('pool.get_all_records'),
  ]);
  const def = Object.values(pools)[0]?.default_SR ?? NULL_REF;
  return Object.entries(srs)
    .filter(([, s]) => s.content_type !== 'iso')
    .map(([ref, s]): RestoreSr => {
      const pbd = s.shared ? undefined : Object.values(pbds).find((p) => p.SR === ref);
      return {
        ref,
        uuid: s.uuid,
        name: s.name_label,
        type: s.type,
        shared: !!s.shared,
        host: pbd ? hosts[pbd.host]?.name_label : undefined,
        freeBytes: Math.max(0, Number(s.physical_size) - Number(s.physical_utilisation)) || 0,
        isDefault: ref === def,
      };
    })
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

/** Every network of the pool, by name. */
export async function listRestoreNetworks(xapi: XapiClient): Promise<RestoreNetwork[]> {
  const nets = await xapi.call<Record<Ref, XenNetwork>>('network.get_all_records');
  return Object.entries(nets)
    .map(([ref, n]) => ({
      ref,
      uuid: n.uuid,
      name: n.name_label,
      bridge: n.bridge,
      isolated: !(n.PIFs ?? []).length,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An SR as a user names it: ref, uuid, or a name that only one SR has. */
export function findSr(srs: RestoreSr[], id: string, where: string): RestoreSr {
  const exact = srs.find((s) => s.ref === id || s.uuid === id);
  if (exact) return exact;
  const named = srs.filter((s) => s.name === id);
  if (named.length === 1) return named[0];
  const list = (l: RestoreSr[]) => l.map(srLine).join('; ');
  if (named.length > 1)
    throw new Error(`${where}: ${named.length} SRs are called "${id}": use the uuid (${list(named)})`);
  throw new Error(`${where}: no SR "${id}" (by name, uuid or ref); the SRs: ${list(srs) || 'none'}`);
}

/** A network as a user names it: ref, uuid, or a name that only one network has. */
export function findNetwork(nets: RestoreNetwork[], id: string, where: string): RestoreNetwork {
  const exact = nets.find((n) => n.ref === id || n.uuid === id);
  if (exact) return exact;
  const named = nets.filter((n) => n.name === id);
  if (named.length === 1) return named[0];
  if (named.length > 1)
    throw new Error(
      `${where}: ${named.length} networks are called "${id}": use the uuid (${named.map((n) => n.uuid).join(', ')})`,
    );
  throw new Error(`${where}: no network "${id}"; the networks: ${nets.map((n) => `"${n.name}"`).join(', ') || 'none'}`);
}

/** One line for an SR: name, type, host of a local one, free space, default. */
export function srLine(s: RestoreSr): string {
  return [
    `"${s.name}"`,
    s.type,
    s.shared ? 'shared' : `local to ${s.host ?? 'no host'}`,
    `${gib(s.freeBytes)} free`,
    s.isDefault ? 'pool default' : '',
    s.uuid,
  ]
    .filter(Boolean)
    .join(' · ');
}

export const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Refuses an SR without room for the backup: `needBytes` is what the backup's disks hold (its files' bytes; a
 * compressed backup needs more, which is said as a warning by the caller).
 */
export function checkSpace(sr: RestoreSr, needBytes: number, where: string): void {
  if (needBytes > sr.freeBytes)
    throw new Error(
      `${where}: SR "${sr.name}" has ${gib(sr.freeBytes)} free, the backup needs ${gib(needBytes)}: choose another SR (vmbackup storage lists them)`,
    );
}

/**
 * The target network of each VIF: the one given in `overrides` (VIF device → network name, uuid or ref), else the
 * network of the same name, else of the same bridge, as import.ml's Net.precheck looks it up (Network.get_by_name_label,
 * then get_all_records_where bridge). When
 * none exists, xapi's import would create a new network from the backup's record (import.ml Net.handle,
 * Client.Network.create with no PIF: an isolated, internal network): `how: 'missing'`, for the caller to refuse before
 * uploading anything. A VIF whose network the backup did not record (older manifests) is 'unknown'.
 */
export function planVifs(
  vifs: { device: string; mac: string; network?: string; bridge?: string }[],
  nets: RestoreNetwork[],
  overrides: Record<string, string>,
  where: string,
): VifPlan[] {
  for (const device of Object.keys(overrides))
    if (!vifs.some((v) => v.device === device))
      throw new Error(
        `${where}: --network ${device}=…: the backup has no VIF ${device} (VIFs: ${vifs.map((v) => v.device).join(', ') || 'none'})`,
      );
  return vifs.map((v): VifPlan => {
    const base = { device: v.device, mac: v.mac, from: v.network };
    const given = overrides[v.device];
    if (given !== undefined) return { ...base, to: findNetwork(nets, given, where), how: 'mapped' };
    if (v.network === undefined) return { ...base, how: 'unknown' };
    const same = nets.find((n) => n.name === v.network);
    if (same) return { ...base, to: same, how: 'same name' };
    const bridge = v.bridge ? nets.find((n) => n.bridge === v.bridge) : undefined;
    return bridge ? { ...base, to: bridge, how: 'same bridge' } : { ...base, how: 'missing' };
  });
}

/** The error for VIFs whose network does not exist on the target pool, said before the import. */
export function missingNetworksError(plan: VifPlan[], nets: RestoreNetwork[], where: string): Error | undefined {
  const missing = plan.filter((p) => p.how === 'missing');
  if (!missing.length) return undefined;
  return new Error(
    `${where}: the target pool has no network ${missing.map((m) => `"${m.from}" (VIF ${m.device})`).join(', ')}; ` +
      `xapi's import would create an isolated network for it. Map each VIF to a network with --network <vif>=<network> ` +
      `(networks: ${nets.map((n) => `"${n.name}"`).join(', ') || 'none'})`,
  );
}
