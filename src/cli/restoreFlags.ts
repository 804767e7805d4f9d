// The restore verb's flags as the one platform-neutral RestoreOptions (core/provider.ts), for every platform; a flag
// the target platform does not take (Capabilities.restore) is refused naming it, before anything is contacted.
import { Args } from './args';
import { Capabilities, PLACEMENT_WORDS, RestoreMode } from '../core/model';
import { platformName } from '../providers';
import { BackupFormat, RestoreOptions, RestorePlacement } from '../core/provider';

const str = (a: Args, k: string) => (typeof a.flags[k] === 'string' ? (a.flags[k] as string) : undefined);

/**
 * `--network <nic>=<network>` (repeatable) and the Oracle VM form `--networks OLD=NEW[,OLD=NEW]`, as NIC key (or a
 * backed-up network's name or id, core/restoreNetworks.ts planNics) → target network id, uuid or name.
 */
export function networkMapFlags(a: Args): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs = [
    ...(a.repeated.network ?? []).map((v) => ['--network', v] as const),
    ...(typeof a.flags.networks === 'string' ? a.flags.networks.split(',').filter(Boolean) : []).map(
      (v) => ['--networks', v] as const,
    ),
  ];
  for (const [flag, v] of pairs) {
    const m = /^([^=]+)=(.+)$/s.exec(v);
    if (!m)
      throw new Error(
        `${flag} ${v}: expected <nic>=<network name or id>, e.g. --network 0=lan or ethernet0="VM Network"`,
      );
    out[m[1].trim()] = m[2].trim();
  }
  return out;
}

/** `--format image|ovf` (absent: the platform's default; restore: the backup's own form). */
export function formatFlag(a: Args): BackupFormat | undefined {
  const f = a.flags.format;
  if (f === undefined) return undefined;
  if (f !== 'image' && f !== 'ovf') throw new Error(`--format must be image or ovf, not ${JSON.stringify(f)}`);
  return f;
}

/**
 * The restore flags as RestoreOptions, the same for every platform:
 * storage `--storage` (aliases `--sr`, `--datastore`); container `--host`, `--cluster`, `--server-pool` (alias
 * `--pool`), one at most; `--resource-pool`, `--folder`; `--network nic=net`… (and `--networks`); `--name`; mode
 * `--preserve-macs` (alias `--keep-macs`) or `--replace-original`; `--power-on` (alias `--start`); `--format`.
 */
export function restoreOptionsFromFlags(a: Args): RestoreOptions {
  const storages = (['storage', 'sr', 'datastore'] as const).filter((k) => str(a, k) !== undefined);
  if (storages.length > 1)
    throw new Error(`restore: give the storage once (${storages.map((k) => `--${k}`).join(', ')})`);
  const containers = (
    [
      ['host', 'host'],
      ['cluster', 'cluster'],
      ['server-pool', 'serverPool'],
      ['pool', 'serverPool'],
    ] as const
  ).filter(([flag]) => str(a, flag) !== undefined);
  if (containers.length > 1)
    throw new Error(
      `restore: one of --host, --cluster, --server-pool (got ${containers.map(([f]) => `--${f}`).join(', ')})`,
    );
  const placement: RestorePlacement = {
    ...(containers[0] ? { container: { kind: containers[0][1], id: str(a, containers[0][0])! } } : {}),
    ...(str(a, 'resource-pool') !== undefined ? { resourcePoolId: str(a, 'resource-pool') } : {}),
    ...(str(a, 'folder') !== undefined ? { folderId: str(a, 'folder') } : {}),
  };
  const keep = !!(a.flags['preserve-macs'] || a.flags['keep-macs']);
  const replace = !!a.flags['replace-original'];
  if (keep && replace) throw new Error('restore: --preserve-macs or --replace-original, not both');
  const mode: RestoreMode = replace ? 'replace' : keep ? 'keepMacs' : 'new';
  const networkMap = networkMapFlags(a);
  return {
    storageId: storages[0] ? str(a, storages[0]) : undefined,
    ...(Object.keys(placement).length ? { placement } : {}),
    ...(Object.keys(networkMap).length ? { networkMap } : {}),
    name: str(a, 'name'),
    mode,
    powerOn: !!(a.flags['power-on'] || a.flags.start),
    format: formatFlag(a),
  };
}

/**
 * What of `o` the platform does not take (Capabilities.restore), one line per flag, e.g. `--folder: a restore on
 * Citrix Hypervisor / XCP-ng has no VM folder` (the platform by its name, platformName); empty when all applies.
 */
export function unsupportedRestoreFlags(o: RestoreOptions, caps: Capabilities, platform: string): string[] {
  const on = `a restore on ${platformName(platform)}`;
  const r = caps.restore;
  if (!r) return [`restore is not offered on ${platformName(platform)}`];
  const out: string[] = [];
  const c = o.placement?.container;
  const flag = { host: '--host', cluster: '--cluster', serverPool: '--server-pool' } as const;
  if (c && !r.containers.includes(c.kind))
    out.push(
      `${flag[c.kind]}: ${on} ${r.containers.length ? `goes to a ${r.containers.map((k) => PLACEMENT_WORDS[k]).join(' or ')}` : 'has no host, cluster or server pool to choose (another pool: --to another connection)'}`,
    );
  if (o.placement?.resourcePoolId !== undefined && !r.resourcePool)
    out.push(`--resource-pool: ${on} has no resource pool`);
  if (o.placement?.folderId !== undefined && !r.folder) out.push(`--folder: ${on} has no VM folder`);
  if (o.networkMap && !r.networkMapping) out.push(`--network: ${on} maps no networks`);
  if (o.powerOn && !r.powerOn) out.push(`--power-on: ${on} cannot start the VM afterwards`);
  if (o.mode && !r.modes.includes(o.mode))
    out.push(
      `${o.mode === 'replace' ? '--replace-original' : '--preserve-macs'}: not offered on ${platformName(platform)} (modes: ${r.modes.join(', ')})`,
    );
  if (r.storageRequired && !o.storageId) out.push(`--storage: ${on} needs the ${r.storage} to restore into`);
  return out;
}
