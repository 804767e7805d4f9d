// Restore of an XVA backup through XAPI's /import, ending with a normal VM named after the backed-up VM.
import { BackupRepository, CatalogEntry, recordedSha256 } from '../../core/repository';
import { JobContext } from '../../core/job';
import { RestoreOptions } from '../../core/provider';
import { VendorError } from '../../core/errors';
import { NULL_REF, Ref, XapiClient } from './xapiClient';
import { XenVm } from './xenRecords';
import { uploadFile } from './xenTransfer';
import { defaultRestoreName } from '../../core/restoreName';
import { listRestoreNetworks, listRestoreSrs } from './restoreTargets';
import { checkSpace, findStorage } from '../../core/restoreStorage';
import { formatBytes } from '../../core/progress';
import { NicPlan, backupNics, missingNetworksError, planNics } from '../../core/restoreNetworks';

/** The VIF fields a restore reads and re-creates. */
interface XenVif {
  device: string;
  MAC: string;
  network: Ref;
  MTU: string | number;
  other_config: Record<string, string>;
  qos_algorithm_type?: string;
  qos_algorithm_params?: Record<string, string>;
}

/** One VIF as the manifest records it: device, MAC, its network's name_label and bridge. */
export interface BackedUpVif {
  device: string;
  mac: string;
  network?: string;
  bridge?: string;
}

/** The VIFs of a VM (recorded in the manifest at backup time: what a restore maps to the target's networks). */
export async function vmMacs(xapi: XapiClient, vmRef: Ref): Promise<BackedUpVif[]> {
  const vm = await xapi.call<{ VIFs: Ref[] }>('VM.get_record', vmRef);
  const out: BackedUpVif[] = [];
  for (const vif of vm.VIFs ?? []) {
    const rec = await xapi.call<XenVif>('VIF.get_record', vif);
    const net = await xapi
      .call<{ name_label: string; bridge: string }>('network.get_record', rec.network)
      .catch(() => undefined);
    out.push({
      device: String(rec.device),
      mac: String(rec.MAC),
      ...(net ? { network: String(net.name_label), bridge: String(net.bridge) } : {}),
    });
  }
  return out.sort((a, b) => a.device.localeCompare(b.device));
}

async function vmByUuid(xapi: XapiClient, uuid: string | undefined): Promise<{ ref: Ref; vm: XenVm } | undefined> {
  if (!uuid) return undefined;
  try {
    const ref = await xapi.call<Ref>('VM.get_by_uuid', uuid);
    return { ref, vm: await xapi.call<XenVm>('VM.get_record', ref) };
  } catch (e) {
    if (e instanceof VendorError && (e.code === 'UUID_INVALID' || e.code === 'HANDLE_INVALID')) return undefined;
    throw e;
  }
}

/**
 * Imports `file` (the entry's .xva) and makes it the VM the user asked for; returns the new VM's ref. The neutral
 * RestoreOptions map onto XAPI so: `storageId` → `sr_id` (an SR ref, uuid or unique name; default the pool's
 * default_SR); `networkMap` → each VIF (by device) on its network; `mode` → the three ways below; `powerOn` →
 * VM.start (VM.resume for a VM that comes back Suspended). A pool is the connection, so `placement` has no step on
 * Xen (Capabilities.restore.containers is empty) and is refused when given.
 * - As a new VM (mode `new`, default): `/import` without `restore` (import.ml: new uuid, new MACs). With `keepMacs`, each
 *   VIF is re-created with the MAC recorded in the manifest; while the original still exists in the pool, a warning
 *   says that both must never run at the same time.
 * - `replace`: XAPI's full restore (`restore=true`). The original must be Halted (import.ml refuses with
 *   VM_BAD_POWER_STATE otherwise; checked here first to say so before the upload). A backup exported directly keeps
 *   the original's uuid and xapi replaces it only when the import is newer (VM_TO_IMPORT_IS_NOT_NEWER_VERSION), so
 *   `force=true` is sent once the backup verified against its manifest (force also skips xapi's checksum checks); a backup exported from a temporary snapshot carries the
 *   snapshot's uuid, so xapi creates a VM beside the original, whose record is then destroyed as import.ml's Replace
 *   does (VIFs, VBDs, VM; its disks stay and are named in the log).
 * Either way: export.ml writes a snapshot with is_a_template kept true, so the import of a running VM's backup is a
 * template: it is turned into a normal VM, and named after the backed-up VM (or `opts.name`), not the snapshot.
 */
export async function restoreXva(
  xapi: XapiClient,
  entry: CatalogEntry,
  file: string,
  opts: RestoreOptions,
  ctx: JobContext,
): Promise<Ref> {
  const source = entry.manifest?.source.vm;
  const replace = opts.mode === 'replace';
  const keepMacs = opts.mode === 'keepMacs';
  const original = await vmByUuid(xapi, source?.uuid);
  const query: Record<string, string> = {};
  const where = `backup ${entry.label}`;
  // Before anything is uploaded: the SR exists and has room, each VIF has a network on this pool.
  if (opts.placement?.container || opts.placement?.resourcePoolId || opts.placement?.folderId)
    throw new VendorError('NOT_SUPPORTED', [
      `a Xen restore goes to the connection's pool: no host, cluster, resource pool or folder to choose (restore to another pool with --to)`,
    ]);
  const srs = await listRestoreSrs(xapi);
  const sr = opts.storageId ? findStorage(srs, opts.storageId, where, 'SR') : srs.find((s) => s.isDefault);
  if (sr) {
    query.sr_id = sr.id;
    const need = entry.files.reduce((n, f) => n + (f.bytes ?? 0), 0);
    checkSpace(sr, need, where, 'SR');
    if (/\.(zst|gz)$|compress/i.test(file) || entry.manifest?.files.some((f) => /zst|gz/.test(f.name)))
      ctx.log(`the backup is compressed: its disks need more than its ${formatBytes(need)} on SR "${sr.name}"`);
  }
  const nets = await listRestoreNetworks(xapi);
  const plan = replace ? [] : planNics(backupNics(entry), nets, opts.networkMap ?? {}, where, 'VIF');
  if (replace && Object.keys(opts.networkMap ?? {}).length)
    throw new Error(`${where}: replacing the original brings back its VIFs as they were: no network mapping with it`);
  const missing = missingNetworksError(plan, nets, where, 'VIF');
  if (missing)
    throw new VendorError('NETWORK_NOT_FOUND', [
      `${missing.message} — xapi's import would create an isolated network for a missing one (import.ml Net.handle)`,
    ]);
  for (const p of plan)
    ctx.log(
      `VIF ${p.key} (${p.mac}): ${p.to ? `network "${p.to.name}" (${p.how})` : 'network as xapi finds it (the backup does not name it)'}`,
    );
  const netsBefore = new Set(nets.map((n) => n.id));
  if (replace) {
    if (original && original.vm.power_state !== 'Halted') {
      throw new VendorError('VM_BAD_POWER_STATE', [original.ref, 'Halted', original.vm.power_state]).withContext({
        vm: original.vm.name_label,
      });
    }
    query.restore = 'true';
    if (original && !entry.manifest?.viaSnapshot) {
      // force=true also makes xapi ignore checksum failures (import.ml): the backup is checked here first.
      const check = await new BackupRepository(entry.dir).verify(entry, ctx.signal);
      if (!check.ok)
        throw new Error(
          `${entry.label}: not replacing "${original.vm.name_label}" with a backup that fails verification: ${check.problems.join('; ')}`,
        );
      query.force = 'true';
    }
  } else if (keepMacs && !source?.macs) {
    throw new Error(
      `${entry.label}: the backup does not record its MAC addresses (made by an older version); restore with new MAC addresses or replace the original`,
    );
  }
  const [ref] = await uploadFile(xapi, '/import', query, file, ctx, recordedSha256(entry, file));
  if (!ref) throw new VendorError('IMPORT_ERROR', ['the import task returned no VM']);
  const vm = await xapi.call<XenVm>('VM.get_record', ref);
  if (vm.is_a_template) {
    await xapi.call('VM.set_is_a_template', ref, false);
    ctx.log('the backup was exported from a snapshot (a template in XAPI): the restored VM is made a normal VM');
  }
  const name = opts.name ?? (replace ? original?.vm.name_label : undefined) ?? defaultName(entry);
  if (name && name !== vm.name_label) await xapi.call('VM.set_name_label', ref, name);
  // A direct backup carried the original's uuid: xapi replaced it. One from a temporary snapshot did not.
  const stillThere =
    original && original.ref !== ref
      ? await xapi.call<XenVm>('VM.get_record', original.ref).catch(() => undefined)
      : undefined;
  if (replace && original && stillThere) await destroyOriginal(xapi, original.ref, stillThere, ctx);
  if (!replace && keepMacs && source?.macs) {
    if (original)
      ctx.log(
        `warning: the original VM "${original.vm.name_label}" still exists in the pool with the same MAC addresses: never run both at the same time`,
      );
    await setMacs(xapi, ref, source.macs);
  }
  await applyNetworks(xapi, ref, plan, netsBefore, ctx);
  if (opts.powerOn) {
    const state = (await xapi.call<XenVm>('VM.get_record', ref)).power_state;
    if (state === 'Suspended') await xapi.callAsync('VM.resume', [ref, false, false], ctx.signal);
    else if (state === 'Halted') await xapi.callAsync('VM.start', [ref, false, false], ctx.signal);
    ctx.log(`started "${name}"`);
  }
  return ref;
}

/** The name of a restored VM when none is given (core/restoreName.ts). */
export const defaultName = defaultRestoreName;

/**
 * Puts each VIF on its planned network: a VIF's network is fixed at VIF.create, so one on another network is
 * re-created there with the same device, MAC, MTU and settings. A network the import created (import.ml Net.handle
 * creates one when no network of the backup's name exists) that no VIF uses afterwards is destroyed: this restore
 * made it.
 */
async function applyNetworks(
  xapi: XapiClient,
  vmRef: Ref,
  plan: NicPlan[],
  netsBefore: Set<Ref>,
  ctx: JobContext,
): Promise<void> {
  const moved: Ref[] = [];
  const vm = await xapi.call<{ VIFs: Ref[] }>('VM.get_record', vmRef);
  for (const vifRef of vm.VIFs ?? []) {
    const vif = await xapi.call<XenVif>('VIF.get_record', vifRef);
    const want = plan.find((p) => p.key === String(vif.device))?.to;
    if (!want || want.id === vif.network) continue;
    await xapi.call('VIF.destroy', vifRef);
    await xapi.call('VIF.create', {
      device: String(vif.device),
      network: want.id,
      VM: vmRef,
      MAC: vif.MAC,
      MTU: String(vif.MTU ?? 1500),
      other_config: vif.other_config ?? {},
      qos_algorithm_type: vif.qos_algorithm_type ?? '',
      qos_algorithm_params: vif.qos_algorithm_params ?? {},
    });
    moved.push(vif.network);
    ctx.log(`VIF ${vif.device} put on network "${want.name}"`);
  }
  for (const net of new Set(moved)) {
    if (netsBefore.has(net)) continue;
    const vifs = await xapi.call<Ref[]>('network.get_VIFs', net).catch(() => ['?']);
    if (vifs.length) continue;
    const label = await xapi.call<string>('network.get_name_label', net).catch(() => net);
    await xapi.call('network.destroy', net);
    ctx.log(`removed the network "${label}" the import had created (no VIF uses it)`);
  }
}

/** import.ml Replace: the original's VIFs and VBDs, then its record; its disks are left (listed in the log). */
async function destroyOriginal(xapi: XapiClient, ref: Ref, vm: XenVm, ctx: JobContext): Promise<void> {
  const vbds = await Promise.all(
    (vm.VBDs ?? []).map((b) => xapi.call<{ VDI: Ref; type: string }>('VBD.get_record', b)),
  );
  await xapi.callAsync('VM.destroy', [ref], ctx.signal);
  const disks = vbds.filter((b) => b.type === 'Disk' && b.VDI !== NULL_REF).map((b) => b.VDI);
  ctx.log(
    `replaced the original VM "${vm.name_label}"${disks.length ? `; its ${disks.length} disk(s) stay in their SR: ${disks.join(', ')}` : ''}`,
  );
}

/** Re-creates each VIF whose MAC differs from the recorded one (a VIF's MAC is fixed at VIF.create). */
async function setMacs(xapi: XapiClient, vmRef: Ref, macs: { device: string; mac: string }[]): Promise<void> {
  const vm = await xapi.call<{ VIFs: Ref[] }>('VM.get_record', vmRef);
  for (const vifRef of vm.VIFs ?? []) {
    const vif = await xapi.call<XenVif>('VIF.get_record', vifRef);
    const want = macs.find((m) => m.device === String(vif.device))?.mac;
    if (!want || want.toLowerCase() === String(vif.MAC).toLowerCase()) continue;
    await xapi.call('VIF.destroy', vifRef);
    await xapi.call('VIF.create', {
      device: String(vif.device),
      network: vif.network,
      VM: vmRef,
      MAC: want,
      MTU: String(vif.MTU ?? 1500),
      other_config: vif.other_config ?? {},
      qos_algorithm_type: vif.qos_algorithm_type ?? '',
      qos_algorithm_params: vif.qos_algorithm_params ?? {},
    });
  }
}
