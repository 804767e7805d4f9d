// A vSphere VM's image backup into the repository, as every backup of this tool: `<repository>/<vm>/<timestamp>-vm/`
// holding the files the image export read (`<datastore>/<dir>/<file>`: .vmx, .nvram, each disk's descriptor and
// extents) and manifest.json (platform `vmware`, the datacenter, host and VM by moref and name, per-file sha256).
// The pipeline is the seed's (seeds/acronis-vm-backup-steps.ja.txt): memory-less, quiesced-when-Tools-run temporary
// snapshot → read the files through `/folder` → remove the snapshot with consolidation (vmwareImageExport.ts).
import { manifestNics } from './vmwareRestore';
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { BackupRepository, CatalogEntry } from '../../core/repository';
import { Manifest, TOOL } from '../../core/manifest';
import { removeIfUnfinished } from '../../core/unfinishedBackup';
import { VimClient } from './vimClient';
import { Journal } from '../../core/journal';
import { exportVmImage } from './vmwareImageExport';
import { readVm } from './vmwareInventory';
import { settleOwn, sweepLeftovers } from './vmwareCleanup';
import { beginTemporarySnapshot } from './vmwareTemporarySnapshot';
import { OvfExportOptions, exportVmOvf } from './vmwareOvfExport';
import { VsphereDatacenter, VsphereHost, VsphereVm } from './vmwareRecords';

/** Where the VM was backed up from: the connection's name, the VM and its datacenter and host (from the inventory). */
export interface BackupSource {
  connection: string;
  datacenter: VsphereDatacenter;
  host?: VsphereHost;
  vm: VsphereVm;
}

/**
 * Backs up `source.vm` into `repository` as its image (default) or, with `format` 'ovf', as an OVF export (the `.ovf`
 * descriptor and the stream-optimized disks at the top of the backup folder; vmwareOvfExport.ts). What killed runs of
 * this connection left is settled first (sweepLeftovers). The journal entry (intent, with the backup folder recorded
 * before its mkdir and, for an image, each file before it is written) is on disk before the temporary snapshot is
 * asked for; on failure or cancel the backup directory is removed (and the VM's folder when it was its first backup),
 * the temporary snapshot in every case (settleOwn, which completes the entry); the returned entry is what the
 * catalog lists.
 */
export async function backupVmImage(
  client: VimClient,
  source: BackupSource,
  repository: string,
  ctx: JobContext,
  format: 'image' | 'ovf' = 'image',
  ovf: OvfExportOptions = {},
): Promise<CatalogEntry> {
  const repo = new BackupRepository(repository);
  const journal = new Journal(repository);
  await sweepLeftovers(client, journal, source.connection, ctx);
  const entry = await beginTemporarySnapshot(
    journal,
    source.connection,
    await readVm(client, source.vm.id, ctx.signal),
  );
  const job = { journal, entry };
  try {
    const dir = await repo.reserveBackupDir(source.vm.name, 'vm', async (d) => {
      await journal.update(entry, { folder: d, folderMade: false, files: [] });
    });
    await journal.update(entry, { folderMade: true });
    return await removeIfUnfinished(dir, async () => {
      const image =
        format === 'ovf'
          ? await exportVmOvf(client, source.vm.id, dir, ctx, ovf, job)
          : {
              ...(await exportVmImage(client, source.vm.id, source.datacenter.name, dir, ctx, job)),
              viaSnapshot: true,
            };
      const { vm, datacenter, host } = source;
      const manifest: Manifest = {
        format: 'vmbackup-manifest/1',
        kind: 'vm',
        platform: 'vmware',
        created: new Date().toISOString(),
        tool: TOOL,
        source: {
          connection: source.connection,
          pool: { id: datacenter.id, name: datacenter.name },
          host: host ? { id: host.id, name: host.name } : undefined,
          vm: {
            uuid: vm.instanceUuid || vm.uuid,
            name: vm.name,
            powerState: vm.powerState,
            id: vm.id,
            macs: await manifestNics(image.files),
          },
        },
        viaSnapshot: image.viaSnapshot,
        files: image.files.map((f) => ({
          name: path.relative(dir, f.path).split(path.sep).join('/'),
          bytes: f.bytes,
          sha256: f.sha256,
        })),
      };
      repo.writeManifest(dir, manifest);
      const catalogued = repo.entry(dir);
      if (!catalogued) throw new Error(`backup written to ${dir} but not found in the catalog`);
      return catalogued;
    });
  } finally {
    await settleOwn(client, journal, entry, ctx);
  }
}
