// VMware vSphere (vCenter or standalone ESX/ESXi) behind the common Provider contract: connect, the inventory
// (datacenter → cluster → host / resource pool, vmwareContainers.ts), snapshots (create with memory and quiesce where
// they apply, revert, delete with or without children, remove all, rename, consolidate), image backup of a VM
// (vmwareBackup.ts) and its restore to the original or another place (vmwareRestore.ts).
import { defaultRestoreName } from '../../core/restoreName';
import { requireVmBackupFor } from '../../core/restorable';
import { withErrorContext } from '../../core/withErrorContext';
import {
  ConnectionProfile,
  ContainerRef,
  InventoryItem,
  NetworkInfo,
  PlacementChoice,
  SnapshotInfo,
  StorageInfo,
  VmInfo,
} from '../../core/model';
import {
  BackupOptions,
  DeleteSnapshotOptions,
  Provider,
  RestoreOptions,
  Secrets,
  SnapshotOptions,
} from '../../core/provider';
import { JobContext } from '../../core/job';
import { CatalogEntry } from '../../core/repository';
import { CleanupItem, CleanupOptions, cleanupLine } from '../../core/cleanupReport';
import { Journal } from '../../core/journal';
import { OWN_SNAPSHOT, cleanupVmware } from './vmwareCleanup';
import {
  placementChoices,
  placementRequest,
  resolveNetworks,
  resolveOvfNetworks,
  resolvePlacement,
} from './vmwarePlacement';
import { backupNics as recordedNics } from '../../core/restoreNetworks';
import { ErrorContext, VendorError } from '../../core/errors';
import { VimClient } from './vimClient';
import { readVm } from './vmwareInventory';
import { VsphereRecordCache } from './vmwareRecordCache';
import { InventoryListener, LiveInventory } from '../../core/inventoryEvents';
import {
  consolidateDisks,
  createSnapshot,
  removeAllSnapshots,
  removeSnapshot,
  renameSnapshot,
  revertToSnapshot,
  setPower,
} from './vmwareSnapshots';
import { containerChildren } from './vmwareContainers';
import { backupVmImage } from './vmwareBackup';
import { backupNics, restoreVmImage } from './vmwareRestore';
import { OvfExportOptions } from './vmwareOvfExport';
import { importVmOvf, ovfDescriptorFile } from './vmwareOvfImport';
import { TaskWaitOptions } from './vimTasks';
import {
  MADE_BY,
  VsphereInventory,
  VsphereVm,
  flattenSnapshots,
  toNetworkInfo,
  toSnapshotInfo,
  toStorageInfo,
  toVmInfo,
} from './vmwareRecords';
import { vmwareCapabilities } from './vmwareCapabilities';

/** Snapshot options on vSphere: `quiesce` needs VMware Tools running in the guest; `memory` applies to a powered-on VM. */
export interface VmwareSnapshotOptions extends SnapshotOptions {
  quiesce?: boolean;
  description?: string;
}

/** Without a watch, how long one inventory read serves the tree's successive list calls (pools → hosts → VMs), ms. */
const INVENTORY_TTL_MS = 3_000;

export class VmwareProvider implements Provider, LiveInventory {
  readonly platform = 'vmware';
  readonly capabilities = vmwareCapabilities;
  readonly vim: VimClient;
  /** OVF export limits and test hooks (HttpNfcLeaseProgress period); the idle limit defaults to the profile's. */
  ovfExport: OvfExportOptions = {};
  /** The inventory, kept current by WaitForUpdatesEx while the tree watches (vmwareRecordCache.ts). */
  readonly records: VsphereRecordCache;

  constructor(
    readonly profile: ConnectionProfile,
    secrets: Secrets,
  ) {
    this.vim = new VimClient({
      url: profile.url,
      username: profile.username,
      password: secrets.password,
      thumbprint: profile.thumbprint,
    });
    this.records = new VsphereRecordCache(this.vim, { ttlMs: INVENTORY_TTL_MS });
  }

  /**
   * Live inventory (core/inventoryEvents.ts): a WaitForUpdatesEx loop runs while someone watches, and each batch of
   * changes is reported in the neutral model's terms (vmwareInventoryChange.ts).
   */
  watch(listener: InventoryListener): () => void {
    return this.records.watch(listener);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.guard(() => this.vim.connect(signal));
  }
  async disconnect(): Promise<void> {
    this.records.stop();
    await this.vim.logout();
  }

  /** Datacenter → cluster → host / resource pool → VMs (vmwareContainers.ts), from one shared inventory read. */
  async listChildren(parent?: ContainerRef): Promise<InventoryItem[]> {
    const inv = await this.inventory();
    return this.guard(async () => containerChildren(inv, parent));
  }

  /** Every VM (templates excluded), by name. */
  async listVms(): Promise<VmInfo[]> {
    return (await this.inventory()).vms
      .filter((v) => !v.template)
      .map(toVmInfo)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The VM's snapshot tree, parents before children; `isCurrent` marks "You are here". */
  async listSnapshots(vmId: string): Promise<SnapshotInfo[]> {
    return this.guard(
      async () => flattenSnapshots((await readVm(this.vim, vmId)).snapshots).map(toSnapshotInfo),
      () => this.vmContext(vmId),
    );
  }

  async listStorage(): Promise<StorageInfo[]> {
    const inv = await this.inventory();
    return inv.datastores.map((d) => toStorageInfo(d, inv.hosts)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async listNetworks(): Promise<NetworkInfo[]> {
    return (await this.inventory()).networks.map(toNetworkInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Hosts, clusters, resource pools and VM folders a restored VM can go to (vmwarePlacement.ts placementChoices). */
  async listPlacement(): Promise<PlacementChoice[]> {
    return placementChoices(await this.inventory());
  }

  /**
   * CreateSnapshot_Task; memory only for a powered-on VM (the API ignores it otherwise), quiesce only if asked.
   * Quiesce on a VM whose guest.toolsRunningStatus is not guestToolsRunning is refused (VendorError TOOLS_NOT_RUNNING,
   * before any task): the API reference (CreateSnapshot_Task, `quiesce`) says vSphere then ignores the flag and takes
   * an unquiesced snapshot, which the user did not ask for.
   */
  async snapshot(vmId: string, opts: VmwareSnapshotOptions, ctx: JobContext): Promise<SnapshotInfo> {
    return this.guard(
      async () => {
        const vm = await readVm(this.vim, vmId, ctx.signal);
        if (opts.quiesce && vm.toolsRunningStatus !== 'guestToolsRunning')
          throw new VendorError('TOOLS_NOT_RUNNING', [
            `a quiesced snapshot needs VMware Tools running in the guest (guest.toolsRunningStatus ${vm.toolsRunningStatus ?? 'unknown'})`,
          ]);
        const memory = !!opts.memory && vm.powerState === 'poweredOn';
        ctx.log(`CreateSnapshot_Task "${opts.name}" (memory ${memory}, quiesce ${!!opts.quiesce})`);
        const description = opts.description ? `${MADE_BY}: ${opts.description}` : MADE_BY;
        const id = await createSnapshot(
          this.vim,
          vmId,
          { name: opts.name, description, memory, quiesce: !!opts.quiesce },
          this.wait(ctx),
        );
        this.invalidate();
        const created = flattenSnapshots((await readVm(this.vim, vmId)).snapshots).find((s) => s.id === id);
        if (!created) throw new VendorError('ManagedObjectNotFound', [`VirtualMachineSnapshot:${id}`]);
        return toSnapshotInfo(created);
      },
      () => this.vmContext(vmId),
    );
  }

  async revert(snapshotId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      async () => {
        await revertToSnapshot(this.vim, snapshotId, {}, this.wait(ctx));
        this.invalidate();
      },
      () => this.snapshotContext(snapshotId),
    );
  }

  /** PowerOnVM_Task (vmwareSnapshots.setPower), followed to its end. */
  async startVm(vmId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      async () => {
        await setPower(this.vim, vmId, true, this.wait(ctx));
        this.invalidate();
      },
      () => this.vmContext(vmId),
    );
  }

  /** RemoveSnapshot_Task of this snapshot (its children stay unless `withChildren`), consolidating its disks. */
  async deleteSnapshot(snapshotId: string, ctx: JobContext, opts: DeleteSnapshotOptions = {}): Promise<void> {
    await this.guard(
      async () => {
        const removeChildren = !!opts.withChildren;
        await removeSnapshot(this.vim, snapshotId, { removeChildren, consolidate: true }, this.wait(ctx));
        this.invalidate();
      },
      () => this.snapshotContext(snapshotId),
    );
  }

  /**
   * Image backup (the seed's pipeline, vmwareBackup.ts) into `opts.repository`. A metadata-only backup has no vSphere
   * form here and is refused (NOT_SUPPORTED); `compress` does not apply (the files are kept as the datastore holds
   * them, as vcbMounter -t fullvm does) and is said so in the job log.
   */
  async backupVm(vmId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry> {
    if (opts.metadataOnly)
      return this.unsupported('a metadata-only VM backup is a XAPI export; on vSphere the image backup holds the .vmx');
    const format = opts.format ?? 'image';
    if (!this.capabilities.backupFormats?.includes(format)) return this.unsupported(`backup format ${format}`);
    if (opts.compress)
      ctx.log('compression does not apply to a vSphere image backup: the files are kept as the datastore holds them');
    return this.guard(
      async () => {
        this.invalidate();
        const inv = await this.inventory();
        const vm = inv.vms.find((v) => v.id === vmId);
        if (!vm) throw new VendorError('ManagedObjectNotFound', [`VirtualMachine:${vmId}`]);
        const datacenter = inv.datacenters.find((d) => d.id === vm.datacenterId);
        if (!datacenter) throw new VendorError('ManagedObjectNotFound', [`the datacenter of ${vm.name}`]);
        const host = inv.hosts.find((h) => h.id === vm.hostId);
        try {
          return await backupVmImage(
            this.vim,
            { connection: this.profile.name, datacenter, host, vm },
            opts.repository,
            ctx,
            format,
            { idleMs: (this.profile.idleTimeoutSeconds ?? 300) * 1000 || undefined, ...this.ovfExport },
          );
        } finally {
          this.invalidate();
        }
      },
      () => this.vmContext(vmId),
    );
  }

  /**
   * Restores a vSphere image backup (vmwareRestore.ts) or OVF backup (vmwareOvfImport.ts) where RestoreOptions aim it
   * (vmwarePlacement.ts placementRequest: datastore, host or cluster, resource pool, folder, NIC → network). When the
   * backed-up VM is still registered on this connection the restored one is a copy (new uuid and MACs: uuid.action =
   * "create") unless mode `keepMacs`. Mode `replace` is refused (NOT_SUPPORTED). `powerOn`: PowerOnVM_Task after.
   */
  async restoreVm(entry: CatalogEntry, opts: RestoreOptions, ctx: JobContext): Promise<VmInfo> {
    requireVmBackupFor(entry, 'vmware', this.profile.name);
    const m = entry.manifest!;
    if (opts.mode === 'replace')
      return this.unsupported(
        'replacing the original VM is not implemented for vSphere: restore as a new VM (the original is never written into)',
      );
    return this.guard(
      async () => {
        this.invalidate();
        const inv = await this.inventory();
        const request = placementRequest(opts);
        const place = resolvePlacement(inv, entry, request);
        const name = opts.name || defaultRestoreName(entry) || entry.label;
        const original = inv.vms.find((v) => !!m.source.vm?.uuid && (v.instanceUuid || v.uuid) === m.source.vm.uuid);
        const keepMacs = opts.mode === 'keepMacs';
        const copy = !!original && !keepMacs;
        const ovf = !!ovfDescriptorFile(m.files);
        if (opts.format && opts.format !== (ovf ? 'ovf' : 'image'))
          return this.unsupported(`restoring ${ovf ? 'an OVF' : 'an image'} backup as ${opts.format}`);
        // Every NIC's network must exist in the target datacenter: refused here, before anything is uploaded. An OVF
        // backup whose manifest records no NICs (made before it did) maps the descriptor's network names as given.
        const recorded = recordedNics(entry);
        const networks = ovf
          ? undefined
          : resolveNetworks(inv, place.datacenter.id, await backupNics(entry), request.networkMap);
        const ovfNetworks =
          ovf && recorded.length
            ? resolveOvfNetworks(inv, place.datacenter.id, recorded, request.networkMap)
            : request.networkMap;
        const vmId = ovf
          ? await importVmOvf(
              this.vim,
              entry,
              place,
              { name, networks: inv.networks, networkMap: ovfNetworks, newMacs: copy },
              ctx,
            )
          : await restoreVmImage(this.vim, entry, place, { name, copy, networks }, ctx);
        this.invalidate();
        if (opts.powerOn) {
          ctx.log(`powering on ${name}`);
          await setPower(this.vim, vmId, true, this.wait(ctx));
        }
        const vm = await readVm(this.vim, vmId, ctx.signal);
        return toVmInfo({ ...vm, datacenterId: place.datacenter.id });
      },
      async () => ({ vm: opts.name || entry.vmName }),
    );
  }

  /** RemoveAllSnapshots_Task, consolidating the disks. */
  async removeAllSnapshots(vmId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      async () => {
        await removeAllSnapshots(this.vim, vmId, { consolidate: true }, this.wait(ctx));
        this.invalidate();
      },
      () => this.vmContext(vmId),
    );
  }

  /** RenameSnapshot: a new name, the description kept. */
  async renameSnapshot(snapshotId: string, name: string, ctx: JobContext): Promise<void> {
    await this.guard(
      async () => {
        await renameSnapshot(this.vim, snapshotId, { name }, ctx.signal);
        this.invalidate();
      },
      () => this.snapshotContext(snapshotId),
    );
  }

  /** ConsolidateVMDisks_Task (offered when runtime.consolidationNeeded). */
  async consolidate(vmId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      async () => {
        await consolidateDisks(this.vim, vmId, this.wait(ctx));
        this.invalidate();
      },
      () => this.vmContext(vmId),
    );
  }

  /**
   * Clean Up (vmwareCleanup.ts): deletes what the repository's journal names for this connection and vSphere confirms
   * (the job's temporary snapshot, with consolidation; its unfinished files), never a user snapshot; lists lookalike
   * snapshots no entry names (kept) and VMs that need consolidation (Consolidate offered). `dryRun` deletes nothing.
   */
  async cleanup(opts: CleanupOptions, ctx: JobContext): Promise<CleanupItem[]> {
    return this.guard(async () => {
      this.invalidate();
      const items = await cleanupVmware(this.vim, new Journal(opts.repository), this.profile.name, {
        ...OWN_SNAPSHOT,
        dryRun: !!opts.dryRun,
        retryBusy: false,
      });
      for (const i of items) ctx.log(cleanupLine(i));
      this.invalidate();
      return items;
    });
  }

  private async unsupported(what: string): Promise<never> {
    throw new VendorError('NOT_SUPPORTED', [what], { connection: this.profile.name });
  }

  private wait(ctx: JobContext): TaskWaitOptions {
    return { signal: ctx.signal, onProgress: (fraction) => ctx.progress({ bytesDone: 0, fraction }) };
  }

  /**
   * The record cache's inventory: from memory while its watch is current, else one read shared by calls within
   * INVENTORY_TTL_MS; operations invalidate it (their result is read back at once).
   */
  private inventory(): Promise<VsphereInventory> {
    return this.guard(() => this.records.inventory());
  }

  private invalidate(): void {
    this.records.invalidate();
  }

  /** Datacenter, host and VM names for an error about this VM (from the inventory; best effort). */
  private async vmContext(vmId: string): Promise<ErrorContext> {
    const inv = await this.inventory().catch(() => undefined);
    const vm = inv?.vms.find((v) => v.id === vmId);
    return vm ? this.placeOf(inv!, vm) : {};
  }

  private async snapshotContext(snapshotId: string): Promise<ErrorContext> {
    const inv = await this.inventory().catch(() => undefined);
    const vm = inv?.vms.find((v) => flattenSnapshots(v.snapshots).some((s) => s.id === snapshotId));
    return vm ? this.placeOf(inv!, vm) : {};
  }

  private placeOf(inv: VsphereInventory, vm: VsphereVm): ErrorContext {
    return {
      pool: inv.datacenters.find((d) => d.id === vm.datacenterId)?.name,
      host: inv.hosts.find((h) => h.id === vm.hostId)?.name,
      vm: vm.name,
    };
  }

  /** Vendor errors get the connection and place; other errors become one line naming them (withErrorContext). */
  private guard<T>(fn: () => Promise<T>, extra: () => Promise<ErrorContext> = async () => ({})): Promise<T> {
    return withErrorContext(this.profile.name, fn, extra);
  }
}

export function createVmwareProvider(profile: ConnectionProfile, secrets: Secrets): Provider {
  return new VmwareProvider(profile, secrets);
}
