// The image-backup read leg every VADP tool follows on ESX(i) (seeds/acronis-vm-backup-steps.ja.txt; VCB's
// `vcbMounter -t fullvm`, seeds/vmware-vcb-esx35-vm-backup-guide.ja.txt): a memory-less temporary snapshot, quiesced
// when VMware Tools run in the guest; the VM's configuration, NVRAM and base disks read through the datastore HTTP
// interface while the VM runs on the snapshot's delta; then the snapshot removed with consolidation — also when the
// read failed or was cancelled. Writes into a directory only; the repository, manifest and catalog entry are the
// caller's (not built yet for vSphere).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { safeName, within } from '../../core/safeName';
import { VendorError, throwIfAborted } from '../../core/errors';
import { WrittenFile } from '../../core/verifiedWrite';
import { VimClient } from './vimClient';
import { readVm } from './vmwareInventory';
import { ExportJournal, withTemporarySnapshot } from './vmwareTemporarySnapshot';
import { DatastorePath, VmFile, downloadDatastoreFile, parseDatastorePath, readVmFiles } from './vmwareFiles';

/** File types that make up the VM's image (VirtualMachineFileLayoutExFileType). */
const IMAGE_TYPES = new Set(['config', 'nvram', 'diskDescriptor', 'diskExtent']);
/** A snapshot's delta disk (`name-000001.vmdk`, `-delta`, `-sesparse`) or a CBT map (`-ctk`): not part of the base image. */
const NOT_BASE_DISK = /-\d{6}(-delta|-sesparse)?\.vmdk$|-ctk\.vmdk$/;

export interface ExportedFile extends WrittenFile {
  datastorePath: string;
  type: string;
}
export interface ImageExport {
  snapshotName: string;
  quiesced: boolean;
  files: ExportedFile[];
}

/** The files of the image: config, NVRAM, base disk descriptors and extents (no delta, log, swap or snapshot state). */
export function imageFiles(files: VmFile[]): VmFile[] {
  const seen = new Set<string>();
  return files.filter(
    (f) => IMAGE_TYPES.has(f.type) && !NOT_BASE_DISK.test(f.name) && !seen.has(f.name) && seen.add(f.name),
  );
}

/**
 * Exports the VM's image into `dir/<datastore>/<path on datastore>`: the temporary snapshot is the one `job.entry`
 * announced (withTemporarySnapshot: journalled, removed in every case, a removal that fails is a warning kept for
 * Clean Up), and each file is journalled before it is written. On failure or cancel the files this call wrote are
 * removed (never anything else).
 */
export async function exportVmImage(
  client: VimClient,
  vmId: string,
  datacenterPath: string,
  dir: string,
  ctx: JobContext,
  job: ExportJournal,
): Promise<ImageExport> {
  const vm = await readVm(client, vmId, ctx.signal);
  const quiesce = vm.powerState === 'poweredOn' && vm.toolsRunningStatus === 'guestToolsRunning';
  return withTemporarySnapshot(client, job, quiesce, ctx, async (snapshot) => {
    const written: string[] = [];
    try {
      const { files, baseDiskKeys } = await readVmFiles(client, vmId, ctx.signal);
      const image = imageFiles(files);
      checkBaseDisks(image, baseDiskKeys);
      const result: ExportedFile[] = [];
      for (const f of image) {
        throwIfAborted(ctx.signal);
        const where = parseDatastorePath(f.name);
        const target = localDir(dir, where);
        const rel = path.posix.join(
          path.relative(dir, target).split(path.sep).join('/'),
          path.posix.basename(where.path),
        );
        await job.journal.update(job.entry, { files: [...job.entry.files, rel] });
        await fs.promises.mkdir(target, { recursive: true });
        ctx.log(`reading ${f.name}`);
        const file = await downloadDatastoreFile(client, datacenterPath, where, target, ctx);
        written.push(file.path);
        result.push({ ...file, datastorePath: f.name, type: f.type });
      }
      return { snapshotName: snapshot.name, quiesced: snapshot.quiesced, files: result };
    } catch (err) {
      await Promise.all(written.map((p) => fs.promises.rm(p, { force: true })));
      throw err;
    }
  });
}

/**
 * Every file of every base disk (descriptor and extents, by layoutEx key) must be among the files read, or the backup
 * would look complete without a disk: INCOMPLETE_IMAGE names the first one that is not.
 */
export function checkBaseDisks(image: VmFile[], baseDiskKeys: number[][]): void {
  const keys = new Set(image.map((f) => f.key));
  for (const disk of baseDiskKeys) {
    const missing = disk.find((k) => !keys.has(k));
    if (missing !== undefined)
      throw new VendorError('INCOMPLETE_IMAGE', [
        `file key ${missing} of a base disk is not among the VM's files (layoutEx.file)`,
      ]);
  }
}

/** `dir/<datastore>/<dir on the datastore>`: the datastore name made safe; the path was checked by parseDatastorePath. */
function localDir(dir: string, where: DatastorePath): string {
  return within(dir, path.join(safeName(where.datastore), path.posix.dirname(where.path)));
}
