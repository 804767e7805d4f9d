// `vmbackup storage` and `vmbackup networks`: what `restore --storage` and `restore --network <nic>=<network>` accept,
// the same for every platform (Provider.listStorage / listNetworks), with a backup: whether it fits, where each NIC goes.
import { Provider } from '../core/provider';
import { CatalogEntry } from '../core/repository';
import { NetworkInfo, StorageInfo } from '../core/model';
import { backupBytes, fits, storageLine } from '../core/restoreStorage';
import { formatBytes } from '../core/progress';
import { NicPlan, backupNics, networkLine, nicPlanLine, planNics } from '../core/restoreNetworks';
import { typedBackupId } from './backupId';

export { backupBytes };

/**
 * The connection's storage (SRs, datastores, repositories) with the host of a local one, type, free space and the
 * default; with a backup, whether it fits (`fits`) and a first line with its size.
 */
export async function storageRows(
  p: Provider,
  entry?: CatalogEntry,
): Promise<{ rows: Array<StorageInfo & { fits?: boolean }>; lines: string[] }> {
  const need = entry ? backupBytes(entry) : undefined;
  const rows = (await p.listStorage()).map((s) => ({
    ...s,
    ...(need !== undefined ? { fits: fits(s, need) } : {}),
  }));
  const lines = rows.map(
    (r) => `${storageLine(r)}${r.fits === false ? `  — too small for the backup (${formatBytes(need ?? 0)})` : ''}`,
  );
  if (entry) lines.unshift(`backup ${typedBackupId(entry.id)}: ${formatBytes(need ?? 0)}`);
  return { rows, lines };
}

/**
 * The connection's networks, for `--network <nic>=<network>`; with a backup, each NIC it recorded (manifest) and the
 * network it would be on (`overrides` as restore's --network).
 */
export async function networkRows(
  p: Provider,
  entry?: CatalogEntry,
  overrides: Record<string, string> = {},
): Promise<{ rows: NetworkInfo[]; lines: string[]; vifs?: NicPlan[] }> {
  const rows = await p.listNetworks();
  const lines = rows.map(networkLine);
  if (!entry) return { rows, lines };
  const nic = p.capabilities.restore?.nic ?? 'NIC';
  const vifs = planNics(backupNics(entry), rows, overrides, `backup ${entry.id}`, nic);
  // A manifest without the NIC list is from a version that did not record it; an empty list is a VM without NICs.
  const none =
    entry.manifest?.source.vm?.macs === undefined
      ? ` records no ${nic}s (made by an older version)`
      : ` the VM had no ${nic}s when it was backed up`;
  lines.push(`backup ${typedBackupId(entry.id)}:${vifs.length ? '' : none}`);
  for (const v of vifs) lines.push(`  ${nicPlanLine(v, nic)}`);
  return { rows, lines, vifs };
}
