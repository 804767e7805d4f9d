// OVF import of an OVF backup (vmwareOvfExport.ts) as a new VM (vSphere Web Services API reference: OvfManager
// "Import" sequence — CreateImportSpec, then ResourcePool.ImportVApp, upload each file to the lease, release the
// lease; govmomi govc/importx and nfc/lease.go Upload: a disk is POSTed as application/x-vnd.vmware-streamVmdk, any
// other file PUT). The descriptor comes from the repository and is untrusted (ovfDescriptor.ts); every file it names
// must be one of the backup's manifest files, inside the backup folder. Failure or cancel: HttpNfcLeaseAbort, which
// makes vSphere remove what the import created (API reference, HttpNfcLease: "all objects created during the import
// are removed when the lease enters this state").
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { CatalogEntry, recordedSha256 } from '../../core/repository';
import { ManifestFile } from '../../core/manifest';
import { CancelledError, VendorError, throwIfAborted } from '../../core/errors';
import { choicesText } from '../../core/notFound';
import { within } from '../../core/safeName';
import { rawPut } from '../../transport/rawPut';
import { VimClient, returnval } from './vimClient';
import { el, elementXml, morEl } from './vimSoap';
import { child, childrenNamed } from './vimXml';
import { MoRef, asMoRef, decodeValue } from './vimValue';
import { MAX_OVF_BYTES, readOvfDescriptor, safeOvfFileName } from './ovfDescriptor';
import { withoutNicMacs } from './ovfNicMacs';
import { resolveDeviceUrl, withLease } from './nfcLease';
import { RestorePlace } from './vmwareRestore';
import { VsphereNetwork } from './vmwareRecords';
import { taskFaultError } from './vimFaults';
import { asObject } from './vimValue';

/** The backup is an OVF backup: its manifest lists exactly one `.ovf`, at the top of the backup folder. */
export function ovfDescriptorFile(files: ManifestFile[]): ManifestFile | undefined {
  const ovf = files.filter((f) => /\.ovf$/i.test(f.name));
  return ovf.length === 1 && !ovf[0].name.includes('/') ? ovf[0] : undefined;
}

export interface OvfImportOptions {
  /** The new VM's name. */
  name: string;
  /** The descriptor's network names → network morefs; unmapped names go to the target datacenter's network of that name. */
  networkMap?: Record<string, string>;
  /** The networks of the target datacenter (from the inventory). */
  networks: VsphereNetwork[];
  /**
   * The VM lands next to its still-registered original: the descriptor's MAC addresses are left out of the import
   * (ovfNicMacs.ts), so vSphere gives the NICs new ones. Otherwise they are imported as recorded.
   */
  newMacs?: boolean;
  idleMs?: number;
}

/** Imports the OVF backup `entry` at `place`; returns the new VM's moref value. */
export async function importVmOvf(
  client: VimClient,
  entry: CatalogEntry,
  place: RestorePlace,
  o: OvfImportOptions,
  ctx: JobContext,
): Promise<string> {
  const files = entry.manifest?.files ?? [];
  const ovfFile = ovfDescriptorFile(files);
  if (!ovfFile) throw new VendorError('INVALID_BACKUP', ['an OVF backup holds exactly one .ovf at its top']);
  const recorded = await readDescriptor(entry, ovfFile);
  const summary = readOvfDescriptor(recorded);
  const copyWithMacs = !!o.newMacs && summary.nics.some((n) => n.mac);
  if (copyWithMacs)
    ctx.log('a copy next to its original: the MAC addresses of the OVF descriptor are left out (new ones)');
  const descriptor = copyWithMacs ? withoutNicMacs(recorded) : recorded;
  // Every file the descriptor names is one the manifest lists (and so was hashed when it was written).
  for (const f of summary.files)
    if (!files.some((m) => m.name === f.href))
      throw new VendorError('INVALID_BACKUP', [`the OVF descriptor names ${f.href}, which the manifest does not list`]);
  const mapping = summary.networks.map((name) => {
    const id =
      o.networkMap?.[name] ?? o.networks.find((n) => n.datacenterId === place.datacenter.id && n.name === name)?.id;
    if (!id)
      throw new VendorError('NOT_FOUND', [
        `network "${name}" of the OVF descriptor in ${place.datacenter.name}: map it to a network of the target; the networks: ${choicesText(o.networks.filter((n) => n.datacenterId === place.datacenter.id).map((n) => n.name))}`,
      ]);
    const net = o.networks.find((n) => n.id === id);
    return `<networkMapping>${el('name', name)}${morEl('network', { type: net?.type || 'Network', value: id })}</networkMapping>`;
  });
  const ovfManager = client.content.ovfManager;
  if (!ovfManager) throw new VendorError('NOT_SUPPORTED', ['the server offers no OvfManager']);
  ctx.log(`CreateImportSpec "${o.name}" on [${place.datastore.name}]`);
  const res = await client.invoke(
    'CreateImportSpec',
    ovfManager,
    el('ovfDescriptor', descriptor) +
      morEl('resourcePool', { type: 'ResourcePool', value: place.resourcePoolId }) +
      morEl('datastore', { type: 'Datastore', value: place.datastore.id }) +
      `<cisp>${el('locale', '')}${el('deploymentOption', '')}${el('entityName', o.name)}${
        place.hostId ? morEl('hostSystem', { type: 'HostSystem', value: place.hostId }) : ''
      }${mapping.join('')}</cisp>`,
    ctx.signal,
  );
  const result = returnval(res, 'CreateImportSpec');
  const error = child(result, 'error');
  if (error) throw taskFaultError(asObject(decodeValue(error), 'OvfCreateImportSpecResult.error'));
  const spec = child(result, 'importSpec');
  if (!spec) throw new VendorError('MALFORMED_REPLY', ['CreateImportSpec returned no importSpec']);
  const items = childrenNamed(result, 'fileItem').map((i) => {
    const v = asObject(decodeValue(i), 'OvfFileItem');
    const href = safeOvfFileName(String(v.path ?? ''));
    if (!summary.files.some((f) => f.href === href))
      throw new VendorError('INVALID_BACKUP', [
        `CreateImportSpec asks for ${href}, which the descriptor does not name`,
      ]);
    return { deviceId: String(v.deviceId ?? ''), href, create: v.create === true || v.create === 'true' };
  });
  throwIfAborted(ctx.signal);
  ctx.log('ImportVApp');
  const imported = await client.invoke(
    'ImportVApp',
    { type: 'ResourcePool', value: place.resourcePoolId },
    elementXml(spec, 'spec') +
      morEl('folder', { type: 'Folder', value: place.folderId }) +
      (place.hostId ? morEl('host', { type: 'HostSystem', value: place.hostId }) : ''),
    ctx.signal,
  );
  const lease = asMoRef(decodeValue(returnval(imported, 'ImportVApp')), 'ImportVApp returnval');
  return upload(client, lease, entry, items, ctx, o.idleMs);
}

/** Uploads each file item to its device URL (matched by importKey), keeping the lease alive; completes or aborts. */
async function upload(
  client: VimClient,
  lease: MoRef,
  entry: CatalogEntry,
  items: { deviceId: string; href: string; create: boolean }[],
  ctx: JobContext,
  idleMs = 300_000,
): Promise<string> {
  let total = 0;
  let done = 0;
  const percent = () => (total ? (100 * done) / total : 0);
  return withLease(client, lease, ctx, { percent }, async (info, signal) => {
    const locals = items.map((i) => within(entry.dir, i.href));
    total = locals.reduce((n, f) => n + fs.statSync(f).size, 0);
    const { thumbprint, headers } = client.dataPlane();
    for (let i = 0; i < items.length; i++) {
      throwIfAborted(signal);
      const device = info.deviceUrls.find((d) => d.importKey === items[i].deviceId);
      if (!device) throw new VendorError('MALFORMED_REPLY', [`the import lease has no URL for ${items[i].deviceId}`]);
      const { url, sameHost } = resolveDeviceUrl(device.url, client.url);
      ctx.log(`uploading ${items[i].href}`);
      const head = await rawPut(url, locals[i], {
        thumbprint,
        headers: sameHost ? headers : {},
        signal,
        idleMs,
        sha256: recordedSha256(entry, items[i].href),
        ...(items[i].create ? {} : { method: 'POST', contentType: 'application/x-vnd.vmware-streamVmdk' }),
        onBytes: (n) => {
          done += n;
          ctx.progress({ bytesDone: done, bytesTotal: total, fraction: total ? done / total : undefined });
        },
      });
      if (signal.aborted) throw new CancelledError();
      if (head.status !== 200 && head.status !== 201)
        throw new VendorError(`HTTP_${head.status}`, [`upload of ${items[i].href} to the import lease ${lease.value}`]);
    }
    return info.entity.value;
  });
}

/** Reads the backup's `.ovf` (bounded) and checks it against the manifest's sha256. */
async function readDescriptor(entry: CatalogEntry, f: ManifestFile): Promise<string> {
  const file = within(entry.dir, path.basename(f.name));
  const size = (await fs.promises.stat(file)).size;
  if (size > MAX_OVF_BYTES)
    throw new VendorError('INVALID_BACKUP', [`${f.name} is larger than ${MAX_OVF_BYTES} bytes: not an OVF descriptor`]);
  const data = await fs.promises.readFile(file);
  if (createHash('sha256').update(data).digest('hex') !== f.sha256)
    throw new VendorError('INVALID_BACKUP', [`${f.name}: sha256 differs from the manifest`]);
  return data.toString('utf8');
}
