// What every Oracle VM VM backup writes and says at its end, whatever its method (ovmBackup.ts, ovmOvaExport.ts): the
// backup folder's manifest.json and catalog entry, and the lines about the temporary Manager objects its journal entry
// settled (a clone and its customizer, or an exported appliance).
import { CleanupItem } from '../../core/cleanupReport';
import { JobContext, warn } from '../../core/job';
import { Manifest, ManifestFile, TOOL } from '../../core/manifest';
import { BackupRepository, CatalogEntry } from '../../core/repository';
import { OvmClient } from './ovmClient';
import { manifestNics } from './ovmNetworks';
import { OvmVm } from './ovmRecords';

/**
 * Writes `dir`'s manifest (platform `oraclevm`, kind `vm`: the connection, the VM's server pool, id, name, run state
 * and its vif MACs and networks, ovmNetworks.manifestNics, from `vmCfgText` — the backed-up VM's own vm.cfg — else
 * from `dir`'s vm.cfg) with `files`, and returns its catalog entry. Throws when the folder is then not in the catalog.
 */
export async function recordOvmBackup(
  client: OvmClient,
  connection: string,
  vm: OvmVm,
  repo: BackupRepository,
  dir: string,
  files: ManifestFile[],
  signal?: AbortSignal,
  vmCfgText?: string,
): Promise<CatalogEntry> {
  const manifest: Manifest = {
    format: 'vmbackup-manifest/1',
    kind: 'vm',
    platform: 'oraclevm',
    created: new Date().toISOString(),
    tool: TOOL,
    source: {
      connection,
      pool: vm.serverPoolId ? { id: vm.serverPoolId.value, name: vm.serverPoolId.name ?? '' } : undefined,
      vm: {
        uuid: vm.id.value,
        name: vm.name,
        powerState: vm.vmRunState,
        id: vm.id.value,
        macs: await manifestNics(client, dir, signal, vmCfgText),
      },
    },
    files,
  };
  repo.writeManifest(dir, manifest);
  const catalogEntry = repo.entry(dir);
  if (!catalogEntry) throw new Error(`backup written to ${dir} but not found in the catalog`);
  return catalogEntry;
}

/**
 * The job's lines about what its own entry settled: each deleted object logged; what is left for Clean Up a warning
 * of a job that succeeded, a log line of one that failed (its error says enough).
 */
export function logSettled(ctx: JobContext, items: CleanupItem[], failed: boolean): void {
  for (const i of items) {
    if (i.action === 'deleted') ctx.log(`deleted ${i.what}`);
    else if (i.action === 'skipped' || i.action === 'kept') {
      const line = `${i.what} is left for Clean Up: ${i.why}`;
      if (failed) ctx.log(line);
      else warn(ctx, line);
    }
  }
}
