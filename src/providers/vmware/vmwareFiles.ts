// A VM's files on its datastores and their download through the datastore HTTP interface
// (`GET /folder/<path>?dcPath=<datacenter>&dsName=<datastore>`, vSphere Web Services SDK "Datastore HTTP access";
// govmomi object/datastore.go NewURL) into `<file>.part`, hashed while streaming, fsynced, renamed (verifiedWrite).
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { VendorError } from '../../core/errors';
import { WrittenFile, receiveVerified } from '../../core/verifiedWrite';
import { rawGet } from '../../transport/rawGet';
import { VimClient } from './vimClient';
import { retrieveObject } from './vimPropertyCollector';
import { malformed } from './vimXml';
import { asList, asObject, optNumber, optString } from './vimValue';

/** A datastore path `[datastore] dir/file.vmdk` split in its parts. */
export interface DatastorePath {
  datastore: string;
  path: string;
}

/**
 * Parses `[ds] dir/file`. A path that climbs (`..`), is absolute, or carries control characters is refused: it comes
 * from the server and is used to build a URL and a local file name.
 */
export function parseDatastorePath(p: string): DatastorePath {
  const m = /^\[([^\]]+)\] ?(.*)$/.exec(p);
  if (!m) throw malformed(`not a datastore path: ${JSON.stringify(p)}`);
  const rel = m[2];

  if (/[\u0000-\u001f\u007f]/.test(p) || rel.startsWith('/') || rel.split('/').some((s) => s === '..' || s === '.'))
    throw malformed(`unsafe datastore path: ${JSON.stringify(p)}`);
  return { datastore: m[1], path: rel };
}

/** One file of a VM (VirtualMachine.layoutEx.file): type config | nvram | diskDescriptor | diskExtent | snapshotData | log | swap …; size in bytes. */
export interface VmFile {
  key: number;
  name: string;
  type: string;
  size: number;
  accessible: boolean;
}

/**
 * The VM's files as the server lists them (layoutEx.file), its .vmx path (config.files.vmPathName), and for each of its
 * disks the file keys of the base disk (layoutEx.disk[].chain[0].fileKey: VirtualMachineFileLayoutExDiskLayout, whose
 * chain runs from the base disk to the running delta — vSphere API reference).
 */
export async function readVmFiles(
  client: VimClient,
  vmId: string,
  signal?: AbortSignal,
): Promise<{ vmx: string; files: VmFile[]; baseDiskKeys: number[][] }> {
  const o = await retrieveObject(
    client,
    { type: 'VirtualMachine', value: vmId },
    ['layoutEx.file', 'layoutEx.disk', 'config.files.vmPathName'],
    signal,
  );
  if (!o) throw new VendorError('ManagedObjectNotFound', [`VirtualMachine:${vmId}`]);
  const files = asList(o.props['layoutEx.file']).map((v) => {
    const f = asObject(v, 'FileLayoutExFileInfo');
    return {
      key: optNumber(f.key, 'file key') ?? 0,
      name: optString(f.name, 'file name') ?? '',
      type: optString(f.type, 'file type') ?? '',
      size: optNumber(f.size, 'file size') ?? 0,
      accessible: f.accessible === undefined ? true : f.accessible === true || f.accessible === 'true',
    };
  });
  const baseDiskKeys = asList(o.props['layoutEx.disk']).map((v) => {
    const base = asList(asObject(v, 'FileLayoutExDiskLayout').chain)[0];
    return asList(asObject(base, 'FileLayoutExDiskUnit').fileKey).map((k) => optNumber(k, 'disk unit fileKey') ?? -1);
  });
  return { vmx: optString(o.props['config.files.vmPathName'], 'config.files.vmPathName') ?? '', files, baseDiskKeys };
}

/** The `/folder` URL of a datastore file (each path segment percent-encoded). */
export function datastoreFileUrl(baseUrl: string, datacenterPath: string, file: DatastorePath): string {
  const rel = file.path.split('/').map(encodeURIComponent).join('/');
  const q = new URLSearchParams({ dcPath: datacenterPath, dsName: file.datastore });
  return `${baseUrl.replace(/\/+$/, '')}/folder/${rel}?${q.toString()}`;
}

/**
 * Streams one datastore file into `dir/<its base name>` (nothing complete-looking is left on failure or cancel:
 * verifiedWrite removes the .part). HTTP 404 → VendorError HTTP_404 naming the datastore path.
 */
export async function downloadDatastoreFile(
  client: VimClient,
  datacenterPath: string,
  file: DatastorePath,
  dir: string,
  ctx: JobContext,
): Promise<WrittenFile> {
  const name = path.posix.basename(file.path);
  if (!name || name !== path.basename(name)) throw malformed(`unsafe file name in ${file.path}`);
  const url = datastoreFileUrl(client.url, datacenterPath, file);
  const { thumbprint, headers } = client.dataPlane();
  return downloadVerified(
    url,
    path.join(dir, name),
    { thumbprint, headers, signal: ctx.signal, onProgress: ctx.progress },
    `[${file.datastore}] ${file.path}`,
  );
}

/** How one vSphere data-plane GET is made: the connection's TLS pin, its headers (the session cookie), limits. */
export interface DownloadOptions {
  thumbprint?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long, ms. */
  idleMs?: number;
  onProgress?: JobContext['progress'];
}

/**
 * GETs `url` into `target` through `<target>.part` (hashed while streaming, fsynced, renamed: verifiedWrite); any
 * status but 200 is VendorError HTTP_<status> naming `what`. Used for the datastore's `/folder` files and for the
 * device URLs of an OVF export lease.
 */
export async function downloadVerified(
  url: string,
  target: string,
  opts: DownloadOptions,
  what: string,
): Promise<WrittenFile> {
  return receiveVerified(target, { onProgress: opts.onProgress }, async ({ sink, setTotal }) => {
    const { head } = await rawGet(
      url,
      { thumbprint: opts.thumbprint, headers: opts.headers, signal: opts.signal, idleMs: opts.idleMs },
      (h) => {
        if (h.status !== 200) return undefined;
        setTotal(h.contentLength);
        return sink;
      },
    );
    if (head.status !== 200) throw new VendorError(`HTTP_${head.status}`, [what]);
  });
}
