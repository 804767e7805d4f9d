// The network step of a restore, the same on every platform: each NIC the backup recorded (manifest
// `source.vm.macs`) → a network of the target, matched by name unless mapped, and the NICs whose network the target
// lacks — said before anything is uploaded (xapi's import would create an isolated network, import.ml Net.handle;
// ESX(i) would register a NIC on a network that does not exist; the Manager would keep a bridge nothing provides).
import { NetworkInfo } from './model';
import { CatalogEntry } from './repository';
import { notFoundText } from './notFound';
import { VendorError } from './errors';

/**
 * One NIC of a backed-up VM: `key` is how the platform names it (Xen VIF device `0`; vSphere `ethernet0`; Oracle VM
 * the vif's index `0` in vm.cfg), `network` the name of the network it was on, `bridge` what else identifies that
 * network (Xen bridge; Oracle VM network id).
 */
export interface BackupNic {
  key: string;
  mac?: string;
  network?: string;
  bridge?: string;
}

/** One NIC and the target network it will be on; `how` says why (or 'missing': no such network on the target). */
export interface NicPlan {
  key: string;
  mac?: string;
  /** The network's name when backed up; undefined for backups that did not record it. */
  from?: string;
  to?: NetworkInfo;
  how: 'same name' | 'same bridge' | 'mapped' | 'unknown' | 'missing';
}

/** The NICs a backup's manifest recorded (`source.vm.macs`: device, MAC, network name, bridge), by key. */
export function backupNics(entry: CatalogEntry): BackupNic[] {
  return (entry.manifest?.source.vm?.macs ?? []).map((m) => ({
    key: String(m.device),
    mac: m.mac || undefined,
    network: m.network,
    bridge: m.bridge,
  }));
}

/**
 * A network as a user names it: id, uuid, or a name only one network has. @throws VendorError NETWORK_NOT_FOUND listing
 * the networks (the code every platform gives a missing network: vSphere's and Oracle VM's placement, Xen's restore).
 */
export function findNetwork(nets: NetworkInfo[], id: string, where: string): NetworkInfo {
  const exact = nets.find((n) => n.id === id || n.uuid === id);
  if (exact) return exact;
  const named = nets.filter((n) => n.name === id);
  if (named.length === 1) return named[0];
  if (named.length > 1)
    throw new Error(
      `${where}: ${named.length} networks are called "${id}": use the id (${named.map((n) => n.uuid ?? n.id).join(', ')})`,
    );
  throw new VendorError('NETWORK_NOT_FOUND', [
    notFoundText(
      'network',
      id,
      where,
      nets.map((n) => n.name),
    ),
  ]);
}

/**
 * The target network of each NIC: the one `map` gives, else the network of the same name, else of the same bridge (as
 * import.ml's Net.precheck looks a network up: by name_label, then by bridge). A key of `map` names a NIC by its key,
 * or else every NIC that was on a network of that name or bridge (Oracle VM's `--networks OLD=NEW` by network id); a
 * value is a network id, uuid or unique name. A NIC whose network the backup did not record is 'unknown' (the
 * platform decides); one whose network is not on the target is 'missing' (missingNetworksError refuses it).
 * @throws Error on a key of `map` that names no NIC of the backup, or a value that names no network.
 */
export function planNics(
  nics: BackupNic[],
  nets: NetworkInfo[],
  map: Record<string, string>,
  where: string,
  nic = 'NIC',
): NicPlan[] {
  const byNetwork = (n: BackupNic, key: string) => n.network === key || n.bridge === key;
  for (const key of Object.keys(map))
    if (!nics.some((n) => n.key === key || byNetwork(n, key)))
      throw new Error(
        `${where}: --network ${key}=…: the backup has no ${nic} ${key} (${
          nics.length
            ? `its ${nics.length > 1 ? `${nic}s are` : `only ${nic} is`} ${nics.map((n) => `${nic} ${n.key}`).join(', ')}`
            : `it has no ${nic}`
        })`,
      );
  const mapped = (n: BackupNic): string | undefined =>
    n.key in map
      ? map[n.key]
      : Object.entries(map).find(([k]) => !nics.some((x) => x.key === k) && byNetwork(n, k))?.[1];
  return nics.map((n): NicPlan => {
    const base = { key: n.key, mac: n.mac, from: n.network };
    const given = mapped(n);
    if (given !== undefined) return { ...base, to: findNetwork(nets, given, where), how: 'mapped' };
    if (n.network === undefined && n.bridge === undefined) return { ...base, how: 'unknown' };
    const same = n.network !== undefined ? nets.find((x) => x.name === n.network) : undefined;
    if (same) return { ...base, to: same, how: 'same name' };
    const bridge = n.bridge ? nets.find((x) => x.bridge === n.bridge || x.id === n.bridge) : undefined;
    return bridge ? { ...base, to: bridge, how: 'same bridge' } : { ...base, how: 'missing' };
  });
}

/**
 * The error for NICs whose network is not on the target, said before the restore uploads anything; else undefined.
 * `nic`: the platform's word (Capabilities.restore.nic).
 */
export function missingNetworksError(
  plan: NicPlan[],
  nets: NetworkInfo[],
  where: string,
  nic = 'NIC',
): Error | undefined {
  const missing = plan.filter((p) => p.how === 'missing');
  if (!missing.length) return undefined;
  return new Error(
    `${where}: the target has no network ${missing.map((m) => `"${m.from ?? '?'}" (${nic} ${m.key})`).join(', ')}; ` +
      `map each ${nic} to a network with --network <${nic.toLowerCase()}>=<network> ` +
      `(networks: ${nets.map((n) => `"${n.name}"`).join(', ') || 'none'})`,
  );
}

/** One line for a NIC's plan: `VIF 0 (aa:…) on "LAN" → "LAN" (same name)`; `nic` the platform's word. */
export function nicPlanLine(p: NicPlan, nic = 'NIC'): string {
  return `${nic} ${p.key}${p.mac ? ` (${p.mac})` : ''} on "${p.from ?? '?'}" → ${
    p.to
      ? `"${p.to.name}" (${p.how})`
      : p.how === 'missing'
        ? 'NO NETWORK of that name: map it with --network'
        : 'as the platform finds it'
  }`;
}

/** One line for a network: name, type, bridge, isolated, id. */
export function networkLine(n: NetworkInfo): string {
  return [
    `"${n.name}"`,
    n.type ?? '',
    n.bridge ? `bridge ${n.bridge}` : '',
    n.isolated ? 'isolated (no PIF)' : '',
    n.uuid ?? n.id,
  ]
    .filter(Boolean)
    .join(' · ');
}
