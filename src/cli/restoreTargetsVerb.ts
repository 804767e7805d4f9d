// `vmbackup storage` and `vmbackup networks`: what `restore --sr` and `restore --network <vif>=<network>` accept.
import { Provider } from '../core/provider';
import { CatalogEntry } from '../core/repository';
import { NetworkInfo } from '../core/model';
import { XenProvider } from '../providers/xen/xenProvider';
import {
  RestoreNetwork,
  RestoreSr,
  gib,
  listRestoreNetworks,
  listRestoreSrs,
  planVifs,
  srLine,
} from '../providers/xen/restoreTargets';

/** The backup's size: the bytes of its files (what an SR must at least hold). */
export const backupBytes = (entry: CatalogEntry) => entry.files.reduce((n, f) => n + (f.bytes ?? 0), 0);

/**
 * SRs of the connection's pool (Xen: with the host of a local SR, type, free space, the pool default); with a
 * backup, whether it fits. Other platforms: their datastores as listStorage gives them.
 */
export async function storageRows(
  p: Provider,
  entry?: CatalogEntry,
): Promise<{ rows: Array<RestoreSr & { fits?: boolean }>; lines: string[] }> {
  const need = entry ? backupBytes(entry) : undefined;
  const srs: RestoreSr[] =
    p instanceof XenProvider
      ? await listRestoreSrs(p.xapi)
      : (await p.listStorage()).map((s) => ({
          ref: s.id,
          uuid: s.id,
          name: s.name,
          type: s.type,
          shared: s.shared,
          freeBytes: s.freeBytes ?? 0,
          isDefault: s.isDefault,
        }));
  const rows = srs.map((s) => ({ ...s, ...(need !== undefined ? { fits: s.freeBytes >= need } : {}) }));
  // Xen: the SR's host, type, free space and default (srLine); other platforms: name, type, free space, id.
  const line = (r: RestoreSr) =>
    p instanceof XenProvider
      ? srLine(r)
      : `${r.name}  ${r.type}  ${(r.freeBytes / 2 ** 30).toFixed(1)} GiB free  ${r.ref}`;
  const lines = rows.map(
    (r) => `${line(r)}${r.fits === false ? `  — too small for the backup (${gib(need ?? 0)})` : ''}`,
  );
  if (entry) lines.unshift(`backup ${entry.id}: ${gib(need ?? 0)}`);
  return { rows, lines };
}

/**
 * Networks of the connection's pool (Xen), for `--network <vif>=<network>`; with a backup, each of its VIFs and
 * the network it would be on (`overrides` as restore's --network).
 */
export async function networkRows(
  p: Provider,
  entry?: CatalogEntry,
  overrides: Record<string, string> = {},
): Promise<{ rows: Array<RestoreNetwork | NetworkInfo>; lines: string[]; vifs?: ReturnType<typeof planVifs> }> {
  if (!(p instanceof XenProvider)) {
    // Other platforms: their networks as listNetworks gives them (vSphere: the targets of restore --network nic=net).
    const list = await p.listNetworks();
    return { rows: list, lines: list.map((n) => `${n.name}  ${n.type ?? ''}  ${n.id}`) };
  }
  const rows = await listRestoreNetworks(p.xapi);
  const lines = rows.map(
    (n) => `"${n.name}" · bridge ${n.bridge || '-'}${n.isolated ? ' · isolated (no PIF)' : ''} · ${n.uuid}`,
  );
  if (!entry) return { rows, lines };
  const vifs = planVifs(entry.manifest?.source.vm?.macs ?? [], rows, overrides, `backup ${entry.id}`);
  lines.push(`backup ${entry.id}:`);
  for (const v of vifs)
    lines.push(
      `  VIF ${v.device} (${v.mac}) on "${v.from ?? '?'}" → ${
        v.to
          ? `"${v.to.name}" (${v.how})`
          : v.how === 'missing'
            ? 'NO NETWORK of that name: map it with --network'
            : 'as xapi finds it'
      }`,
    );
  return { rows, lines, vifs };
}

/** `--network <vif>=<network>` values as a map VIF device → network. */
export function networkOverrides(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^([^=]+)=(.+)$/s.exec(v);
    if (!m) throw new Error(`--network ${v}: expected <vif device>=<network name or uuid>, e.g. --network 0=lan`);
    out[m[1].trim()] = m[2];
  }
  return out;
}
