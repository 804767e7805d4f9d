// VMware vSphere (vCenter or standalone ESX/ESXi) behind the common Provider contract, for what fits it today:
// connect, the inventory (a datacenter is listed where the contract has pools), snapshots (create with memory and
// quiesce where they apply, revert, delete). Backup, restore and the Xen-only operations are refused with a clear
// VendorError (NOT_SUPPORTED) naming the connection.
import { ConnectionProfile, HostInfo, PoolInfo, SnapshotInfo, StorageInfo, VmInfo } from '../../core/model';
import { MetadataRestoreResult, Provider, Secrets, SnapshotOptions } from '../../core/provider';
import { JobContext } from '../../core/job';
import { CatalogEntry } from '../../core/repository';
import { CleanupItem, CleanupOptions } from '../../core/cleanupReport';
import { ErrorContext, UntrustedCertificateError, VendorError, describeContext, isCancel } from '../../core/errors';
import { mask } from '../../core/secrets';
import { VimClient } from './vimClient';
import { readInventory, readVm } from './vmwareInventory';
import { createSnapshot, removeSnapshot, revertToSnapshot } from './vmwareSnapshots';
import { TaskWaitOptions } from './vimTasks';
import { MADE_BY, VsphereInventory, VsphereVm, flattenSnapshots, isTemporarySnapshot, toHostInfo, toPoolInfo, toSnapshotInfo, toStorageInfo, toVmInfo } from './vmwareRecords';
import { vmwareCapabilities } from './vmwareCapabilities';

/** Snapshot options on vSphere: `quiesce` needs VMware Tools running in the guest; `memory` applies to a powered-on VM. */
export interface VmwareSnapshotOptions extends SnapshotOptions { quiesce?: boolean; description?: string }

/** How long one inventory read serves the tree's successive list calls (pools → hosts → VMs), ms. */
const INVENTORY_TTL_MS = 3_000;

export class VmwareProvider implements Provider {
  readonly platform = 'vmware';
  readonly capabilities = vmwareCapabilities;
  readonly vim: VimClient;
  private cached?: { at: number; inventory: Promise<VsphereInventory> };

  constructor(readonly profile: ConnectionProfile, secrets: Secrets) {
    this.vim = new VimClient({ url: profile.url, username: profile.username, password: secrets.password, thumbprint: profile.thumbprint });
  }

  async connect(signal?: AbortSignal): Promise<void> { await this.guard(() => this.vim.connect(signal)); }
  async disconnect(): Promise<void> { await this.vim.logout(); }

  async listPools(): Promise<PoolInfo[]> {
    return (await this.inventory()).datacenters.map(toPoolInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  async listHosts(poolId: string): Promise<HostInfo[]> {
    return (await this.inventory()).hosts.filter((h) => h.datacenterId === poolId).map(toHostInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** VMs (templates excluded) of a datacenter and/or of the host they run on. */
  async listVms(scope: { poolId?: string; hostId?: string }): Promise<VmInfo[]> {
    return (await this.inventory()).vms
      .filter((v) => !v.template && (!scope.poolId || v.datacenterId === scope.poolId) && (!scope.hostId || v.hostId === scope.hostId))
      .map(toVmInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The VM's snapshot tree, parents before children; `isCurrent` marks "You are here". */
  async listSnapshots(vmId: string): Promise<SnapshotInfo[]> {
    return this.guard(async () => flattenSnapshots((await readVm(this.vim, vmId)).snapshots).map(toSnapshotInfo), () => this.vmContext(vmId));
  }

  async listStorage(): Promise<StorageInfo[]> {
    return (await this.inventory()).datastores.map(toStorageInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** CreateSnapshot_Task; memory only for a powered-on VM (the API ignores it otherwise), quiesce only if asked. */
  async snapshot(vmId: string, opts: VmwareSnapshotOptions, ctx: JobContext): Promise<SnapshotInfo> {
    return this.guard(async () => {
      const vm = await readVm(this.vim, vmId, ctx.signal);
      const memory = !!opts.memory && vm.powerState === 'poweredOn';
      ctx.log(`CreateSnapshot_Task "${opts.name}" (memory ${memory}, quiesce ${!!opts.quiesce})`);
      const description = opts.description ? `${MADE_BY}: ${opts.description}` : MADE_BY;
      const id = await createSnapshot(this.vim, vmId, { name: opts.name, description, memory, quiesce: !!opts.quiesce }, this.wait(ctx));
      this.invalidate();
      const created = flattenSnapshots((await readVm(this.vim, vmId)).snapshots).find((s) => s.id === id);
      if (!created) throw new VendorError('ManagedObjectNotFound', [`VirtualMachineSnapshot:${id}`]);
      return toSnapshotInfo(created);
    }, () => this.vmContext(vmId));
  }

  async revert(snapshotId: string, ctx: JobContext): Promise<void> {
    await this.guard(async () => { await revertToSnapshot(this.vim, snapshotId, {}, this.wait(ctx)); this.invalidate(); }, () => this.snapshotContext(snapshotId));
  }

  /** RemoveSnapshot_Task of this snapshot only (its children stay), consolidating its disks. */
  async deleteSnapshot(snapshotId: string, ctx: JobContext): Promise<void> {
    await this.guard(async () => { await removeSnapshot(this.vim, snapshotId, { removeChildren: false, consolidate: true }, this.wait(ctx)); this.invalidate(); }, () => this.snapshotContext(snapshotId));
  }

  backupVm(): Promise<CatalogEntry> { return this.unsupported('VM backup is not implemented for vSphere yet'); }
  restoreVm(): Promise<VmInfo> { return this.unsupported('VM restore is not implemented for vSphere yet'); }
  backupPoolMetadata(): Promise<CatalogEntry> { return this.unsupported('pool database backup is a XAPI operation; not supported on vSphere'); }
  restorePoolMetadata(): Promise<MetadataRestoreResult> { return this.unsupported('pool database restore is a XAPI operation; not supported on vSphere'); }
  backupHost(): Promise<CatalogEntry> { return this.unsupported('host (dom0) backup is a XAPI operation; not supported on vSphere'); }
  resetPowerState(): Promise<void> { return this.unsupported('power-state reset is a XAPI operation; not supported on vSphere'); }

  /**
   * Removes the temporary export snapshots a crashed or killed export left behind (both marks: name and description,
   * see isTemporarySnapshot), with consolidation; never a user's snapshot. With `dryRun`, lists them. One item each.
   */
  async cleanup(opts: CleanupOptions, ctx: JobContext): Promise<CleanupItem[]> {
    return this.guard(async () => {
      this.invalidate();
      const items: CleanupItem[] = [];
      for (const vm of (await this.inventory()).vms) {
        for (const s of flattenSnapshots(vm.snapshots).filter(isTemporarySnapshot)) {
          const item: CleanupItem = { action: opts.dryRun ? 'would delete' : 'deleted', what: `snapshot "${s.name}" of VM "${vm.name}"`, why: 'a temporary export snapshot: its name and description are the export\'s own' };
          if (!opts.dryRun) {
            ctx.log(`removing the temporary snapshot "${s.name}" of ${vm.name}`);
            await removeSnapshot(this.vim, s.id, { removeChildren: false, consolidate: true }, this.wait(ctx));
          }
          items.push(item);
        }
      }
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

  /** One inventory read shared by calls within INVENTORY_TTL_MS; operations invalidate it. */
  private inventory(): Promise<VsphereInventory> {
    if (!this.cached || Date.now() - this.cached.at > INVENTORY_TTL_MS) {
      const inventory = this.guard(() => readInventory(this.vim));
      inventory.catch(() => { if (this.cached?.inventory === inventory) this.cached = undefined; });
      this.cached = { at: Date.now(), inventory };
    }
    return this.cached.inventory;
  }

  private invalidate(): void { this.cached = undefined; }

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
    return { pool: inv.datacenters.find((d) => d.id === vm.datacenterId)?.name, host: inv.hosts.find((h) => h.id === vm.hostId)?.name, vm: vm.name };
  }

  /** Vendor errors get the connection and place; other errors become one line naming them (passwords masked). */
  private async guard<T>(fn: () => Promise<T>, extra: () => Promise<ErrorContext> = async () => ({})): Promise<T> {
    try { return await fn(); } catch (e) {
      if (!(e instanceof VendorError) && isCancel(e)) throw e;
      const where = { connection: this.profile.name, ...(await extra()) };
      if (e instanceof VendorError) throw e.withContext(where);
      const code = (e as { code?: string }).code;
      const message = `${describeContext(where)}: ${code ? code + ' ' : ''}${mask((e as Error).message ?? String(e))}`;
      throw e instanceof UntrustedCertificateError ? e.withMessage(message) : new Error(message);
    }
  }
}

export function createVmwareProvider(profile: ConnectionProfile, secrets: Secrets): Provider {
  return new VmwareProvider(profile, secrets);
}
