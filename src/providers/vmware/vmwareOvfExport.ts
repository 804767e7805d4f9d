// OVF export of a vSphere VM into a directory (vSphere Web Services API reference: VirtualMachine.ExportVm,
// VirtualMachineSnapshot.ExportSnapshot, HttpNfcLease, OvfManager.CreateDescriptor; the client sequence of govmomi's
// govc/export/ovf.go): a powered-off VM is exported with ExportVm; ExportVm refuses a powered-on VM
// (InvalidPowerState, API reference), so a running one goes through the temporary snapshot of the image backup and
// ExportSnapshot (govc export.ovf -snapshot "supports running VMs"). Wait for the lease to be ready, stream each
// disk's device URL to `<file>.part` (hashed while streaming, fsynced, renamed), keep the lease alive with
// HttpNfcLeaseProgress, then CreateDescriptor with the files written (ovfFiles: deviceId, path, size) and write
// `<vm>.ovf`, then HttpNfcLeaseComplete ("after the final call to [CreateDescriptor], client must release the
// lock"). Failure or cancel: HttpNfcLeaseAbort, this call's files removed, the snapshot removed.
import * as fs from 'node:fs';
import { JobContext } from '../../core/job';
import { VendorError, throwIfAborted } from '../../core/errors';
import { safeName, within } from '../../core/safeName';
import { WrittenFile, writeVerified } from '../../core/verifiedWrite';
import { VimClient, returnval } from './vimClient';
import { el, morEl } from './vimSoap';
import { MoRef, asMoRef, asObject, decodeValue, optString } from './vimValue';
import { readVm } from './vmwareInventory';
import { downloadVerified } from './vmwareFiles';
import { ExportJournal, withTemporarySnapshot } from './vmwareTemporarySnapshot';
import { LeaseInfo, resolveDeviceUrl, withLease } from './nfcLease';
import { ovfFileNames } from './ovfDescriptor';

export interface OvfExportOptions {
  /** Fail a download when no byte arrives for this long, ms (default 5 min). */
  idleMs?: number;
  /** Test hook: HttpNfcLeaseProgress period, ms (default min(2 s, leaseTimeout / 4)). */
  keepAliveMs?: number;
}

export interface OvfExport {
  /** The `.ovf` descriptor, then the disks, each as written (path, bytes, sha256). */
  files: WrittenFile[];
  viaSnapshot: boolean;
}

/** A file name for a lease's device: its targetId or the URL's last segment, refused when it is not a plain name. */
export function deviceFileName(d: { targetId?: string; url: string }): string {
  const name = d.targetId ?? decodeURIComponent(new URL(d.url.replace('://*', '://x')).pathname.split('/').pop() ?? '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(name) || name.includes('..'))
    throw new VendorError('MALFORMED_REPLY', [
      `unsafe file name ${JSON.stringify(name.slice(0, 80))} in the export lease`,
    ]);
  return name;
}

/**
 * Exports `vmId` as OVF into `dir` (which the caller made and owns); a running VM's temporary snapshot is the one
 * `job.entry` announced (withTemporarySnapshot: journalled).
 */
export async function exportVmOvf(
  client: VimClient,
  vmId: string,
  dir: string,
  ctx: JobContext,
  o: OvfExportOptions,
  job: ExportJournal,
): Promise<OvfExport> {
  const vm = await readVm(client, vmId, ctx.signal);
  const self: MoRef = { type: 'VirtualMachine', value: vmId };
  if (vm.powerState !== 'poweredOn') {
    ctx.log('ExportVm');
    const lease = await exportLease(client, 'ExportVm', self, ctx.signal);
    return { files: await transfer(client, self, vm.name, lease, dir, ctx, o), viaSnapshot: false };
  }
  const quiesce = vm.toolsRunningStatus === 'guestToolsRunning';
  return withTemporarySnapshot(client, job, quiesce, ctx, async (snapshot) => {
    ctx.log(`ExportSnapshot of "${snapshot.name}" (ExportVm refuses a powered-on VM)`);
    const lease = await exportLease(
      client,
      'ExportSnapshot',
      { type: 'VirtualMachineSnapshot', value: snapshot.id },
      ctx.signal,
    );
    return { files: await transfer(client, self, vm.name, lease, dir, ctx, o), viaSnapshot: true };
  });
}

async function exportLease(client: VimClient, method: string, self: MoRef, signal: AbortSignal): Promise<MoRef> {
  const res = await client.invoke(method, self, '', signal);
  return asMoRef(decodeValue(returnval(res, method)), `${method} returnval`);
}

/** Downloads every file of the ready lease, writes the descriptor, completes the lease; aborts it on any failure. */
async function transfer(
  client: VimClient,
  vm: MoRef,
  vmName: string,
  lease: MoRef,
  dir: string,
  ctx: JobContext,
  o: OvfExportOptions,
): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  let total = 0;
  let done = 0;
  let current = 0;
  const percent = () => (total ? (100 * (done + current)) / total : 0);
  try {
    return await withLease(client, lease, ctx, { percent, keepAliveMs: o.keepAliveMs }, async (info, signal) => {
      const devices = info.deviceUrls.filter((d) => d.disk);
      if (!devices.length) throw new VendorError('INCOMPLETE_IMAGE', [`the export lease ${lease.value} lists no disk`]);
      const names = devices.map(deviceFileName);
      if (new Set(names).size !== names.length)
        throw new VendorError('MALFORMED_REPLY', [`the export lease ${lease.value} names one file twice`]);
      total = totalBytes(info);
      const { thumbprint, headers } = client.dataPlane();
      const ovfFiles: string[] = [];
      for (let i = 0; i < devices.length; i++) {
        throwIfAborted(signal);
        const { url, sameHost } = resolveDeviceUrl(devices[i].url, client.url);
        const target = within(dir, names[i]);
        ctx.log(`downloading ${names[i]} (${devices[i].key})`);
        current = 0;
        const file = await downloadVerified(
          url,
          target,
          {
            thumbprint,
            // The session cookie only goes to the host the session belongs to.
            headers: sameHost ? headers : {},
            signal,
            idleMs: o.idleMs ?? 300_000,
            onProgress: (p) => {
              current = p.bytesDone;
              ctx.progress(p);
            },
          },
          `${names[i]} of the export lease ${lease.value}`,
        );
        written.push(file);
        done += file.bytes;
        current = 0;
        ovfFiles.push(
          `<ovfFiles>${el('deviceId', devices[i].key)}${el('path', names[i])}${el('size', file.bytes)}</ovfFiles>`,
        );
      }
      throwIfAborted(signal);
      const ovf = await createDescriptor(client, vm, vmName, ovfFiles.join(''), ctx.signal);
      checkDescriptor(ovf, names);
      const descriptor = await writeVerified(within(dir, `${safeName(vmName)}.ovf`), Buffer.from(ovf, 'utf8'));
      written.unshift(descriptor);
      return written;
    });
  } catch (err) {
    // The lease was aborted: this call's files go (the caller owns the directory).
    await Promise.all(written.map((f) => fs.promises.rm(f.path, { force: true })));
    throw err;
  }
}

/** Bytes to move: the disks' capacity (HttpNfcLeaseInfo.totalDiskCapacityInKB) plus non-disk files' fileSize. */
function totalBytes(info: LeaseInfo): number {
  return info.totalDiskCapacityInKB * 1024 + info.deviceUrls.reduce((n, d) => n + (d.disk ? 0 : (d.fileSize ?? 0)), 0);
}

/**
 * OvfManager.CreateDescriptor(obj, cdp{ovfFiles, name, exportOption}) → OvfCreateDescriptorResult.ovfDescriptor; its
 * `error` list fails verbatim. exportOption "mac" (API reference, OvfCreateDescriptorParams.exportOption, since 5.1:
 * keywords of OvfManager.ovfExportOption, "Unknown options will be ignored by the server"; ovftool's
 * `--exportFlags=mac`) asks for each NIC's MAC address (rasd:Address), which the backup's manifest records.
 */
async function createDescriptor(
  client: VimClient,
  vm: MoRef,
  name: string,
  ovfFiles: string,
  signal: AbortSignal,
): Promise<string> {
  const ovfManager = client.content.ovfManager;
  if (!ovfManager) throw new VendorError('NOT_SUPPORTED', ['the server offers no OvfManager']);
  const res = await client.invoke(
    'CreateDescriptor',
    ovfManager,
    morEl('obj', vm) + `<cdp>${ovfFiles}${el('name', name)}${el('exportOption', 'mac')}</cdp>`,
    signal,
  );
  const result = asObject(decodeValue(returnval(res, 'CreateDescriptor')), 'OvfCreateDescriptorResult');
  const errors = result.error === undefined ? [] : Array.isArray(result.error) ? result.error : [result.error];
  if (errors.length) {
    const e = asObject(errors[0], 'OvfCreateDescriptorResult.error');
    const fault = asObject(e.fault, 'LocalizedMethodFault.fault');
    throw new VendorError(fault._type ?? 'OvfExport', [optString(e.localizedMessage, 'localizedMessage') ?? '']);
  }
  const ovf = optString(result.ovfDescriptor, 'ovfDescriptor');
  if (!ovf) throw new VendorError('MALFORMED_REPLY', ['CreateDescriptor returned no ovfDescriptor']);
  return ovf;
}

/** The descriptor must be well-formed OVF and name exactly the files written (else the backup would not restore). */
function checkDescriptor(ovf: string, names: string[]): void {
  const hrefs = ovfFileNames(ovf);
  const missing = names.filter((n) => !hrefs.includes(n));
  const extra = hrefs.filter((h) => !names.includes(h));
  if (missing.length || extra.length)
    throw new VendorError('INCOMPLETE_IMAGE', [
      `the OVF descriptor ${missing.length ? `does not name ${missing.join(', ')}` : `names files not exported: ${extra.join(', ')}`}`,
    ]);
}
