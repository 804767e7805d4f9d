// Restore of a vSphere image backup (vmwareBackup.ts) as VCB's vcbRestore does it (seeds/vmware-vcb-esx35-vm-backup-
// guide.ja.txt: to the original or another place): a new directory on the target datastore (FileManager.MakeDirectory,
// which fails FileAlreadyExists, so an existing VM's directory is never written into), each file uploaded through the
// datastore HTTP interface (`PUT /folder/<dir>/<file>?dcPath=&dsName=`, vSphere Web Services SDK "Datastore HTTP
// access"; govmomi object/datastore.go Upload) streamed from disk, the .vmx last and edited (display name, uuid.action,
// vmwareVmx.ts), then Folder.RegisterVM_Task into a folder and resource pool (and host when given), then, for NICs mapped
// to distributed port groups, VirtualMachine.ReconfigVM_Task (vmwareDvsNics.ts). A failed or cancelled restore
// unregisters the VM it registered (VirtualMachine.UnregisterVM) and deletes the directory it made
// (FileManager.DeleteDatastoreFile_Task) — never anything else.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { CatalogEntry } from '../../core/repository';
import { sha256File } from '../../core/verifiedWrite';
import { ManifestFile } from '../../core/manifest';
import { BackupContentError, CancelledError, VendorError, throwIfAborted } from '../../core/errors';
import { safeName, within } from '../../core/safeName';
import { rawPut } from '../../transport/rawPut';
import { VimClient } from './vimClient';
import { runTask } from './vimTasks';
import { el, morEl } from './vimSoap';
import { asMoRef } from './vimValue';
import { datastoreFileUrl } from './vmwareFiles';
import { MAX_VMX_BYTES, restoredVmx, vmxNetworks, vmxNics } from './vmwareVmx';
import { MAX_OVF_BYTES, readOvfDescriptor } from './ovfDescriptor';
import { VsphereDatacenter, VsphereDatastore } from './vmwareRecords';
import { NicNetworks, connectNicsToPortgroups } from './vmwareDvsNics';

/** Where a restored VM goes: datastore (and its datacenter), VM folder, resource pool and, optionally, host (morefs). */
export interface RestorePlace {
  datacenter: VsphereDatacenter;
  datastore: VsphereDatastore;
  folderId: string;
  resourcePoolId: string;
  hostId?: string;
}

/**
 * `copy`: the VM lands next to its still-registered original, so it must get a new uuid and MACs. `networks`
 * (resolveNetworks): NIC (`ethernet0`) → the standard port group's name written as its `ethernet<N>.networkName`, or →
 * the distributed port group it is connected to after registration.
 */
export interface RestoreImageOptions {
  name: string;
  copy: boolean;
  networks?: NicNetworks;
}

/** How many numbered alternatives of the directory name are tried (`name`, `name_1`, …) before giving up. */
const MAX_DIRECTORY_TRIES = 100;

/** The backup's files in upload order (disks first, the .vmx last); refuses a backup without exactly one .vmx or with two files of one name. */
export function uploadOrder(files: ManifestFile[]): ManifestFile[] {
  const vmx = files.filter((f) => /\.vmx$/i.test(f.name));
  if (vmx.length !== 1)
    throw new VendorError('INVALID_BACKUP', [`a vSphere backup holds exactly one .vmx, this one ${vmx.length}`]);
  const names = new Set<string>();
  for (const f of files) {
    const base = path.posix.basename(f.name);
    // The name goes into a datastore URL and path: a manifest is a file anyone could have written.

    if (base === '.' || base === '..' || !base || /[\u0000-\u001f\u007f\\]/.test(base))
      throw new VendorError('INVALID_BACKUP', [`unsafe file name ${JSON.stringify(f.name)} in the manifest`]);
    if (names.has(base))
      throw new VendorError('NOT_SUPPORTED', [
        `two files named ${base} (disks on several datastores): restore puts every file into one directory`,
      ]);
    names.add(base);
  }
  return [...files.filter((f) => f !== vmx[0]), vmx[0]];
}

/** Restores the image of `entry` at `place`; returns the registered VM's moref value. */
export async function restoreVmImage(
  client: VimClient,
  entry: CatalogEntry,
  place: RestorePlace,
  o: RestoreImageOptions,
  ctx: JobContext,
): Promise<string> {
  const files = uploadOrder(entry.manifest?.files ?? []);
  const { datacenter, datastore } = place;
  const dir = await makeFreshDirectory(client, place, safeName(o.name), ctx.signal);
  ctx.log(`restoring into [${datastore.name}] ${dir}`);
  const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vmbackup-vmx-'));
  let vmId: string | undefined;
  try {
    const total = files.reduce((n, f) => n + f.bytes, 0);
    let done = 0;
    for (const f of files) {
      throwIfAborted(ctx.signal);
      const base = path.posix.basename(f.name);
      let local = within(entry.dir, f.name);
      // Each file is checked against the manifest as it is sent; the .vmx, rewritten for the restore, before that.
      let sha256: string | undefined = f.sha256;
      if (/\.vmx$/i.test(base)) {
        if (f.sha256 && (await sha256File(local, ctx.signal)).sha256 !== f.sha256)
          throw new BackupContentError(base, 'nothing of it was sent');
        local = await editedVmx(local, path.join(scratch, 'restored.vmx'), o);
        sha256 = undefined;
      }
      ctx.log(`uploading ${base}`);
      const before = done;
      const onBytes = (n: number) => {
        done += n;
        ctx.progress({ bytesDone: done, bytesTotal: total, fraction: total ? done / total : undefined });
      };
      await upload(
        client,
        datacenter.name,
        { datastore: datastore.name, path: `${dir}/${base}` },
        local,
        ctx,
        onBytes,
        sha256,
      );
      done = before + fs.statSync(local).size;
    }
    throwIfAborted(ctx.signal);
    const vmxPath = `[${datastore.name}] ${dir}/${path.posix.basename(files[files.length - 1].name)}`;
    ctx.log(`RegisterVM_Task ${vmxPath} as "${o.name}"${o.copy ? ' (a copy: uuid.action = "create")' : ''}`);
    const args =
      el('path', vmxPath) +
      el('name', o.name) +
      el('asTemplate', false) +
      morEl('pool', { type: 'ResourcePool', value: place.resourcePoolId }) +
      (place.hostId ? morEl('host', { type: 'HostSystem', value: place.hostId }) : '');
    const result = await runTask(client, 'RegisterVM_Task', { type: 'Folder', value: place.folderId }, args, {
      signal: ctx.signal,
    });
    vmId = asMoRef(result, 'RegisterVM_Task result').value;
    const portgroups = o.networks?.portgroups ?? {};
    if (Object.keys(portgroups).length) {
      ctx.log(`ReconfigVM_Task: ${Object.keys(portgroups).join(', ')} to distributed port groups`);
      await connectNicsToPortgroups(client, vmId, portgroups, ctx.signal);
    }
    return vmId;
  } catch (err) {
    // The VM is this restore's own (RegisterVM_Task made it): unregistered first, so its directory can go.
    if (vmId)
      await client
        .invoke('UnregisterVM', { type: 'VirtualMachine', value: vmId })
        .catch((e: unknown) => ctx.log(`could not unregister ${vmId}: ${(e as Error).message}`));
    // The directory is this restore's own (MakeDirectory made it): remove it, not tied to the (maybe aborted) signal.
    await deleteDatastoreFile(client, `[${datastore.name}] ${dir}`, datacenter.id).catch((e: unknown) =>
      ctx.log(`could not remove [${datastore.name}] ${dir}: ${(e as Error).message}`),
    );
    throw err;
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  }
}

/** MakeDirectory `[ds] name`, else `name_1`, `name_2`…: returns the one made (FileAlreadyExists: taken, try the next). */
async function makeFreshDirectory(
  client: VimClient,
  place: RestorePlace,
  base: string,
  signal?: AbortSignal,
): Promise<string> {
  for (let i = 0; i < MAX_DIRECTORY_TRIES; i++) {
    const name = i ? `${base}_${i}` : base;
    const args =
      el('name', `[${place.datastore.name}] ${name}`) +
      morEl('datacenter', { type: 'Datacenter', value: place.datacenter.id }) +
      el('createParentDirectories', false);
    try {
      await client.invoke('MakeDirectory', fileManager(client), args, signal);
      return name;
    } catch (err) {
      if (!(err instanceof VendorError && err.code === 'FileAlreadyExists')) throw err;
    }
  }
  throw new VendorError('FileAlreadyExists', [
    `[${place.datastore.name}] ${base} and ${MAX_DIRECTORY_TRIES - 1} numbered alternatives`,
  ]);
}

/** FileManager.DeleteDatastoreFile_Task (a directory: with its contents). */
async function deleteDatastoreFile(client: VimClient, name: string, datacenterId: string): Promise<void> {
  await runTask(
    client,
    'DeleteDatastoreFile_Task',
    fileManager(client),
    el('name', name) + morEl('datacenter', { type: 'Datacenter', value: datacenterId }),
  );
}

function fileManager(client: VimClient) {
  const fm = client.content.fileManager;
  if (!fm) throw new VendorError('NOT_SUPPORTED', ['the server offers no FileManager']);
  return fm;
}

/** The NICs of the backed-up .vmx with the network each was connected to (vmxNetworks); read before any upload. */
export async function backupNics(entry: CatalogEntry): Promise<Record<string, string>> {
  const vmx = uploadOrder(entry.manifest?.files ?? []).at(-1)!;
  return vmxNetworks(await readVmx(within(entry.dir, vmx.name)));
}

/** A .vmx file's text (small: refused above MAX_VMX_BYTES, INVALID_BACKUP). */
const readVmx = (file: string): Promise<string> => readSmallText(file, MAX_VMX_BYTES, 'a .vmx');

/** A small text file of a backup (refused above `max` bytes as not being `what`, INVALID_BACKUP). */
async function readSmallText(file: string, max: number, what: string): Promise<string> {
  if ((await fs.promises.stat(file)).size > max)
    throw new VendorError('INVALID_BACKUP', [`${path.basename(file)} is larger than ${max} bytes: not ${what}`]);
  return fs.promises.readFile(file, 'utf8');
}

/**
 * The NICs a backup's manifest records (`source.vm.macs`: device `ethernet<N>`, MAC, network name), read from the
 * backed-up .vmx among `files`, or for an OVF backup from its descriptor's network adapters (ovfDescriptor.ts OvfNic:
 * the network is the descriptor's network name, what the import maps); undefined when the backup has neither.
 */
export async function manifestNics(
  files: { path: string }[],
): Promise<{ device: string; mac: string; network: string }[] | undefined> {
  const vmx = files.find((f) => /\.vmx$/i.test(f.path));
  if (vmx) return vmxNics(await readVmx(vmx.path));
  const ovf = files.find((f) => /\.ovf$/i.test(f.path));
  return ovf ? readOvfDescriptor(await readSmallText(ovf.path, MAX_OVF_BYTES, 'an OVF descriptor')).nics : undefined;
}

/** The backup's .vmx with the restore's edits, written to `to` (small: refused above MAX_VMX_BYTES). */
async function editedVmx(from: string, to: string, o: RestoreImageOptions): Promise<string> {
  if ((await fs.promises.stat(from)).size > MAX_VMX_BYTES)
    throw new VendorError('INVALID_BACKUP', [
      `${path.basename(from)} is larger than ${MAX_VMX_BYTES} bytes: not a .vmx`,
    ]);
  const vmx = await fs.promises.readFile(from, 'utf8');
  await fs.promises.writeFile(to, restoredVmx(vmx, { ...o, networks: o.networks?.networkNames }));
  return to;
}

/**
 * PUT one file through `/folder` with the session cookie, streamed from disk (rawPut; `sha256` checked as it is sent);
 * 200 or 201 is success.
 */
async function upload(
  client: VimClient,
  datacenterPath: string,
  file: { datastore: string; path: string },
  local: string,
  ctx: JobContext,
  onBytes: (n: number) => void,
  sha256?: string,
): Promise<void> {
  const { thumbprint, headers } = client.dataPlane();
  const head = await rawPut(datastoreFileUrl(client.url, datacenterPath, file), local, {
    thumbprint,
    headers,
    signal: ctx.signal,
    onBytes,
    sha256,
  });
  if (ctx.signal.aborted) throw new CancelledError();
  if (head.status !== 200 && head.status !== 201)
    throw new VendorError(`HTTP_${head.status}`, [`upload of [${file.datastore}] ${file.path}`]);
}
