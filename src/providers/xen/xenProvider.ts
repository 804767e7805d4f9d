// Citrix Hypervisor / XCP-ng provider on XAPI JSON-RPC and the HTTP data-plane handlers.
import { requireVmBackupFor } from '../../core/restorable';
import * as path from 'node:path';
import {
  ConnectionProfile,
  ContainerInfo,
  ContainerRef,
  InventoryItem,
  MetadataBackupKind,
  NetworkInfo,
  SnapshotInfo,
  StorageInfo,
  VmInfo,
} from '../../core/model';
import {
  BackupOptions,
  DeleteSnapshotOptions,
  MetadataRestoreOptions,
  MetadataRestoreResult,
  Provider,
  RestoreOptions,
  Secrets,
  SnapshotOptions,
} from '../../core/provider';
import { JobContext, warn } from '../../core/job';
import { CleanupItem, CleanupOptions, cleanupLine } from '../../core/cleanupReport';
import { Journal, JournalEntry } from '../../core/journal';
import { settleOwnEntry } from '../../core/journalSweep';
import { BackupRepository, CatalogEntry } from '../../core/repository';
import { BackupKind, Manifest, TOOL } from '../../core/manifest';
import { safeName } from '../../core/safeName';
import { ErrorContext, VendorError, throwIfAborted } from '../../core/errors';
import { defaultRetryPolicy, withRetry } from '../../core/retry';
import { NULL_REF, Ref, XapiClient } from './xapiClient';
import { cleanupJournal, settleEntry, unjournalledTagged } from './cleanup';
import { setOtherConfigKey, stripToolKeys } from './toolKeys';
import { snapshotUuids, takeTemporarySnapshot, temporarySnapshotName } from './temporarySnapshot';
import {
  MADE_BY_TAG,
  TEMP_TAG,
  XenHost,
  XenPool,
  XenVbd,
  XenVm,
  isRealVm,
  toHostContainer,
  toPoolContainer,
  toSnapshotInfo,
  toVmInfo,
} from './xenRecords';
import { xenCapabilities } from './xenCapabilities';
import { CachedClass, XenRecordCache, vdiExists, vmLookups } from './recordCache';
import { toInventoryChange } from './inventoryChange';
import { InventoryListener, LiveInventory } from '../../core/inventoryEvents';
import { downloadToFile, uploadFile } from './xenTransfer';
import { restoreXva, vmMacs } from './xenRestore';
import { xenNetworks, xenStorage } from './restoreTargets';
import { waitForToolstackRestart } from './toolstackRestart';
import { WrittenFile } from '../../core/verifiedWrite';
import { xvaCheck } from '../../core/xvaStreamCheck';
import { withErrorContext } from '../../core/withErrorContext';
import { removeIfUnfinished } from '../../core/unfinishedBackup';
import { streamLimits } from './streamLimits';

/** Attempts after the first at deleting a temporary snapshot's disk that is in use (VDI_IN_USE), with doubling backoff. */
const DELETE_RETRIES = 3;

export class XenProvider implements Provider, LiveInventory {
  readonly platform = 'xen';
  readonly capabilities = xenCapabilities;
  readonly xapi: XapiClient;

  constructor(
    readonly profile: ConnectionProfile,
    secrets: Secrets,
  ) {
    this.xapi = new XapiClient({
      url: profile.url,
      username: profile.username,
      password: secrets.password,
      thumbprint: profile.thumbprint,
      ...streamLimits(profile),
    });
  }

  async connect(): Promise<void> {
    await this.guard(() => this.xapi.login());
  }
  async disconnect(): Promise<void> {
    this.recordCache.stop();
    await this.xapi.logout();
  }

  /**
   * The tree: pools → their hosts, and the VMs that run nowhere (halted, suspended) → under a host the VMs resident on
   * it or (halted) with it as affinity, read through the record cache's placement index (no scan of the pool). All
   * is read from the connection's record cache (recordCache.ts), made current first.
   */
  listChildren(parent?: ContainerRef): Promise<InventoryItem[]> {
    return this.guard(() => this.children(parent));
  }

  private async children(parent?: ContainerRef): Promise<InventoryItem[]> {
    const c = await this.inventory();
    const pools = c.all<XenPool>('pool');
    const hosts = c.all<XenHost>('host');
    if (!parent) return Object.entries(pools).map(([ref, p]) => toPoolContainer(ref, p, hosts, this.profile.name));
    if (parent.kind === 'pool' && pools[parent.id]) {
      const hostItems: ContainerInfo[] = Object.entries(hosts)
        .map(([ref, h]) => toHostContainer(ref, h))
        .sort((a, b) => a.name.localeCompare(b.name));
      const runNowhere = (await this.listVms()).filter((v) => !v.hostId || !hosts[v.hostId]);
      return [...hostItems, ...runNowhere.map((vm): InventoryItem => ({ type: 'vm', vm }))];
    }
    if (parent.kind === 'host' && hosts[parent.id]) {
      const vms = c.all<XenVm>('VM');
      const poolId = Object.keys(pools)[0] ?? '';
      return c
        .vmsPlacedOn(parent.id)
        .map((ref) => toVmInfo(ref, vms[ref], poolId, vdiExists(c), vmLookups(c)))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((vm) => ({ type: 'vm', vm }));
    }
    throw this.err(new VendorError('HANDLE_INVALID', [parent.kind, parent.id]));
  }

  /** Every VM of the pool (templates, snapshots and control domains excluded), by name. */
  listVms(): Promise<VmInfo[]> {
    return this.guard(async () => {
      const c = await this.inventory();
      const vms = c.all<XenVm>('VM');
      const poolId = Object.keys(c.all('pool'))[0] ?? '';
      return Object.keys(vms)
        .filter((r) => isRealVm(vms[r]))
        .map((ref) => toVmInfo(ref, vms[ref], poolId, vdiExists(c), vmLookups(c)))
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async listSnapshots(vmId: string): Promise<SnapshotInfo[]> {
    const vms = (await this.inventory()).all<XenVm>('VM');
    const vm = vms[vmId];
    if (!vm) throw this.err(new VendorError('HANDLE_INVALID', ['VM', vmId]));
    return (vm.snapshots ?? [])
      .filter((r) => vms[r])
      .map((r) => toSnapshotInfo(r, vms[r], vms, vm))
      .sort((a, b) => a.time.getTime() - b.time.getTime());
  }

  /** SRs with the host of a local one, type, free space, the pool default first (restoreTargets.ts xenStorage). */
  listStorage(): Promise<StorageInfo[]> {
    return this.guard(async () => {
      const c = await this.inventory();
      return xenStorage({ srs: c.all('SR'), pbds: c.all('PBD'), hosts: c.all('host'), pools: c.all('pool') });
    });
  }

  /** Networks with their bridge, isolated when no PIF (restoreTargets.ts xenNetworks). */
  listNetworks(): Promise<NetworkInfo[]> {
    return this.guard(async () => xenNetworks((await this.inventory()).all('network')));
  }

  /**
   * Live inventory (core/inventoryEvents.ts): the record cache's event loop runs while someone watches, and each batch
   * of XAPI events is reported in the neutral model's terms (inventoryChange.ts). A reload is reported as `all`.
   */
  watch(listener: InventoryListener): () => void {
    return this.recordCache.watch((changes, reloaded) => {
      if (reloaded) return listener({ vms: [], childrenOf: [], all: true });
      const change = toInventoryChange(
        changes,
        Object.keys(this.recordCache.all('pool'))[0] ?? '',
        vdiExists(this.recordCache),
        vmLookups(this.recordCache),
        this.recordCache.all<XenVm>('VM'),
      );
      if (change.vms.length || change.childrenOf.length) listener(change);
    });
  }

  async snapshot(vmId: string, opts: SnapshotOptions, ctx: JobContext): Promise<SnapshotInfo> {
    return this.guard(
      async () => {
        const ref = await this.takeSnapshot(vmId, opts.name, ctx);
        const vms = await this.records<XenVm>('VM');
        return toSnapshotInfo(ref, vms[ref], vms, vms[vmId]);
      },
      () => this.vmContext(vmId),
    );
  }

  async revert(snapshotId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      () =>
        this.xapi.callAsync('VM.revert', [snapshotId], ctx.signal, (f) => ctx.progress({ bytesDone: 0, fraction: f })),
      () => this.vmContext(snapshotId),
    );
  }

  /** VM.start(vm, start_paused=false, force=false), as xenRestore starts a restored VM. */
  async startVm(vmId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      () => this.xapi.callAsync('VM.start', [vmId, false, false], ctx.signal),
      () => this.vmContext(vmId),
    );
  }

  /** A XAPI snapshot's children stay (deleteWithChildren is not declared: `opts.withChildren` is refused). */
  async deleteSnapshot(snapshotId: string, ctx: JobContext, opts: DeleteSnapshotOptions = {}): Promise<void> {
    if (opts.withChildren)
      throw this.err(
        new VendorError('NOT_SUPPORTED', ['deleting a snapshot with its children is not a XAPI operation']),
      );
    await this.guard(
      () => this.destroySnapshot(snapshotId, ctx),
      () => this.vmContext(snapshotId),
    );
  }

  async backupVm(vmId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry> {
    const context = () => this.vmContext(vmId);
    if (opts.metadataOnly) return this.guard(() => this.backupVmMetadata(vmId, opts, ctx), context);
    return this.guard(async () => {
      const journal = new Journal(opts.repository);
      await this.sweepJournal(journal, ctx);
      const vm = await this.xapi.call<XenVm>('VM.get_record', vmId);
      // XAPI exports only Halted or Suspended VMs: a running one is snapshotted, the snapshot exported, then deleted.
      const live = !['Halted', 'Suspended'].includes(vm.power_state);
      // The intent is on disk before VM.snapshot; from then on the finally settles whatever the journal names.
      const entry = await journal.begin(
        {
          connection: this.profile.name,
          platform: 'xen',
          vm: { id: vmId, uuid: vm.uuid, name: vm.name_label },
          before: live ? await snapshotUuids(this.xapi, vm) : [],
        },
        live ? (marker) => temporarySnapshotName(marker) : undefined,
      );
      try {
        let source = vmId;
        if (live) {
          ctx.log(`${vm.name_label} is ${vm.power_state}: exporting a temporary snapshot`);
          source = await takeTemporarySnapshot(this.xapi, journal, entry, ctx);
        }
        const repo = new BackupRepository(opts.repository);
        const name = `${safeName(vm.name_label)}.xva`;
        const dir = await repo.reserveBackupDir(vm.name_label, 'vm', async (d) => {
          await journal.update(entry, { folder: d, folderMade: false, files: [name] });
        });
        await journal.update(entry, { folderMade: true });
        // export.ml: without preserve_power_state a Suspended VM is written Halted and its memory left out.
        const preservePowerState = opts.preservePowerState !== false;
        const query = {
          ref: source,
          ...(opts.compress ? { use_compression: opts.compress === 'zstd' ? 'zstd' : 'true' } : {}),
          ...(preservePowerState ? { preserve_power_state: 'true' } : {}),
        };
        const macs = await vmMacs(this.xapi, vmId);
        const file = await removeIfUnfinished(dir, () =>
          this.retry(
            () =>
              downloadToFile(this.xapi, '/export', query, dir, name, ctx, {
                check: () =>
                  xvaCheck(
                    `the export of ${vm.name_label}`,
                    opts.compress === 'zstd' ? 'zstd' : opts.compress ? 'gzip' : undefined,
                  ),
              }),
            ctx,
          ),
        );
        return await this.record(
          repo,
          dir,
          'vm',
          [file],
          { vm: { uuid: vm.uuid, name: vm.name_label, powerState: vm.power_state, macs } },
          live,
          { preservePowerState },
        );
      } finally {
        await this.settleOwn(journal, entry, ctx);
      }
    }, context);
  }

  /** The seed's `xe vm-export metadata=true`: ova.xml only, allowed in any power state. */
  private async backupVmMetadata(vmId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry> {
    const vm = await this.xapi.call<XenVm>('VM.get_record', vmId);
    const name = `${safeName(vm.name_label)}-metadata.xva`;
    return this.journalledDownload(
      opts.repository,
      { id: vmId, uuid: vm.uuid, name: vm.name_label },
      vm.name_label,
      'vm-metadata',
      name,
      (dir) =>
        this.retry(
          () =>
            downloadToFile(this.xapi, '/export_metadata', { ref: vmId }, dir, name, ctx, {
              check: () => xvaCheck(`the metadata export of ${vm.name_label}`),
            }),
          ctx,
        ),
      { vm: { uuid: vm.uuid, name: vm.name_label, powerState: vm.power_state } },
      ctx,
    );
  }

  async restoreVm(entry: CatalogEntry, opts: RestoreOptions, ctx: JobContext): Promise<VmInfo> {
    requireVmBackupFor(entry, 'xen', this.profile.name, true); // a bare .xva of another tool is restorable
    const xva = entry.files.find((f) => f.name.toLowerCase().endsWith('.xva'));
    if (!xva) throw new Error(`${entry.label}: the backup holds no .xva file`);
    return this.guard(
      async () => {
        const ref = await restoreXva(this.xapi, entry, path.join(entry.dir, path.basename(xva.name)), opts, ctx);
        await stripToolKeys(this.xapi, ref).catch((e) =>
          warn(ctx, `the restored VM keeps the tool's vmbackup:* keys: ${(e as Error).message}`),
        );
        const vm = await this.xapi.call<XenVm>('VM.get_record', ref);
        // A VM started after the import (opts.powerOn) was logged as started: its state needs no second line.
        if (vm.power_state === 'Suspended')
          ctx.log(
            `${vm.name_label} comes back Suspended (its memory was in the backup): resume it to go on where it was`,
          );
        else if (vm.power_state === 'Halted')
          ctx.log(
            `${vm.name_label} comes back Halted${entry.manifest?.source.vm?.powerState === 'Suspended' ? ' (the backup was made without the suspended memory)' : ''}`,
          );
        return toVmInfo(ref, vm, (await this.topPool())?.id ?? '', () => true);
      },
      { vm: entry.vmName },
    );
  }

  /** The metadata backups xenCapabilities declares: pool database, host (dom0) backup, VM metadata. */
  async backupMetadata(
    kind: MetadataBackupKind['kind'],
    targetId: string,
    opts: BackupOptions,
    ctx: JobContext,
  ): Promise<CatalogEntry> {
    if (kind === 'pool-metadata') return this.backupPoolMetadata(opts, ctx);
    if (kind === 'host') return this.backupHost(targetId, opts, ctx);
    return this.backupVm(targetId, { ...opts, metadataOnly: true }, ctx);
  }

  /** Only the pool database is restored by this tool (a host backup is restored by `xe host-restore`). */
  async restoreMetadata(
    kind: MetadataBackupKind['kind'],
    entry: CatalogEntry,
    opts: MetadataRestoreOptions,
    ctx: JobContext,
  ): Promise<MetadataRestoreResult> {
    if (kind !== 'pool-metadata')
      throw this.err(new VendorError('NOT_SUPPORTED', [`restoring a ${kind} backup is not offered on XAPI`]));
    return this.restorePoolMetadata(entry, opts, ctx);
  }

  private async backupPoolMetadata(opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry> {
    return this.guard(async () => {
      const pool = await this.topPool();
      return this.journalledDownload(
        opts.repository,
        { id: pool.id, uuid: '', name: `pool ${pool.name}` },
        `pool ${pool.name}`,
        'pool-metadata',
        'pool-database.xml',
        (dir) => downloadToFile(this.xapi, '/pool/xmldbdump', {}, dir, 'pool-database.xml', ctx),
        {},
        ctx,
      );
    });
  }

  /** Always a dry run first (the seed's pool-restore-database dry-run=true); for real only when asked. */
  private async restorePoolMetadata(
    entry: CatalogEntry,
    opts: MetadataRestoreOptions,
    ctx: JobContext,
  ): Promise<MetadataRestoreResult> {
    const dump = entry.files[0];
    if (!dump) throw new Error(`${entry.label}: empty backup`);
    const file = path.join(entry.dir, path.basename(dump.name));
    return this.guard(async () => {
      ctx.log('dry run of the pool database restore');
      await uploadFile(this.xapi, '/pool/xmldbdump', { dry_run: 'true' }, file, ctx, dump.sha256);
      if (opts.dryRun) return { dryRun: true, suspendedWithoutDisk: [] };
      throwIfAborted(ctx.signal);
      ctx.log('restoring the pool database');
      await uploadFile(this.xapi, '/pool/xmldbdump', { dry_run: 'false' }, file, ctx, dump.sha256);
      await waitForToolstackRestart(this.xapi, ctx.signal, ctx.log);
      this.recordCache.invalidate();
      const vms = await this.listVms();
      return { dryRun: false, suspendedWithoutDisk: vms.filter((v) => v.suspendDiskMissing) };
    });
  }

  private async backupHost(hostId: string, opts: BackupOptions, ctx: JobContext): Promise<CatalogEntry> {
    const host = await this.xapi.call<XenHost>('host.get_record', hostId);
    return this.guard(
      async () => {
        return this.journalledDownload(
          opts.repository,
          { id: hostId, uuid: host.uuid, name: `host ${host.name_label}` },
          `host ${host.name_label}`,
          'host',
          'host-backup.tgz',
          (dir) => downloadToFile(this.xapi, '/host_backup', { host: hostId }, dir, 'host-backup.tgz', ctx),
          { host: { id: host.uuid, name: host.name_label } },
          ctx,
        );
      },
      { host: host.name_label },
    );
  }

  /** The seed's vm-reset-powerstate: a Suspended VM whose suspend disk is gone becomes Halted. */
  async resetPowerState(vmId: string, ctx: JobContext): Promise<void> {
    await this.guard(
      () => this.xapi.callAsync('VM.power_state_reset', [vmId], ctx.signal),
      () => this.vmContext(vmId),
    );
  }

  /**
   * Deletes what the repository's journal names for this connection and the pool confirms (see settleEntry), for
   * jobs that no longer run; busy objects are skipped. Snapshots that only carry the tool's tag are listed, never
   * deleted. One item per object.
   */
  async cleanup(opts: CleanupOptions, ctx: JobContext): Promise<CleanupItem[]> {
    return this.guard(async () => {
      const journal = new Journal(opts.repository);
      const items = await cleanupJournal(this.xapi, journal, this.profile.name, {
        dryRun: !!opts.dryRun,
        retries: DELETE_RETRIES,
        backoffMs: this.backoffMs,
        retryBusy: false,
      });
      items.push(...unjournalledTagged(await this.records<XenVm>('VM'), journal.list().entries));
      for (const i of items) ctx.log(cleanupLine(i));
      return items;
    });
  }

  // ---- helpers ----

  /** A user's snapshot: tagged as made by this tool (idempotently), without the temporary tag a VM may pass on to it. */
  private async takeSnapshot(vmId: string, name: string, ctx: JobContext): Promise<Ref> {
    const [ref] = await this.xapi.callAsync('VM.snapshot', [vmId, name], ctx.signal, (f) =>
      ctx.progress({ bytesDone: 0, fraction: f, message: 'snapshot' }),
    );
    try {
      await setOtherConfigKey(this.xapi, 'VM', ref, MADE_BY_TAG, TOOL.name);
      await this.xapi.call('VM.remove_from_other_config', ref, TEMP_TAG);
    } catch (e) {
      ctx.log(`snapshot ${name} created, but its tags could not be set: ${(e as Error).message}`);
    }
    ctx.log(`snapshot ${name} created`);
    return ref;
  }

  /**
   * A backup that makes nothing on the pool (VM metadata, pool database, host): its folder and file are journalled as a
   * VM backup's are — the folder recorded before its mkdir, the entry completed once the manifest is written — so what
   * a killed run left (`<file>.part`, an empty folder) is found and removed by the next Clean Up, and nothing else.
   * `subject`: what is backed up (the journal's `vm` slot: reference, uuid, name); `owner`: the repository folder's name.
   */
  private async journalledDownload(
    repository: string,
    subject: JournalEntry['vm'],
    owner: string,
    kind: BackupKind,
    fileName: string,
    download: (dir: string) => Promise<WrittenFile>,
    source: Partial<Manifest['source']>,
    ctx: JobContext,
  ): Promise<CatalogEntry> {
    const journal = new Journal(repository);
    const entry = await journal.begin({ connection: this.profile.name, platform: 'xen', vm: subject, before: [] });
    try {
      const repo = new BackupRepository(repository);
      const dir = await repo.reserveBackupDir(owner, kind, async (d) => {
        await journal.update(entry, { folder: d, folderMade: false, files: [fileName] });
      });
      await journal.update(entry, { folderMade: true });
      const file = await removeIfUnfinished(dir, () => download(dir));
      return await this.record(repo, dir, kind, [file], source, false);
    } finally {
      await this.settleOwn(journal, entry, ctx);
    }
  }

  /** A backup's own journal entry, in its finally: what could not be deleted becomes a warning, and stays for cleanup. */
  private async settleOwn(journal: Journal, entry: JournalEntry, ctx: JobContext): Promise<void> {
    await settleOwnEntry(journal, entry, ctx, () =>
      settleEntry(this.xapi, journal, entry, [], {
        dryRun: false,
        retries: DELETE_RETRIES,
        backoffMs: this.backoffMs,
        retryBusy: true,
      }),
    );
  }

  /** The next run removes what killed runs left (abandoned journal entries of this connection); never fatal. */
  private async sweepJournal(journal: Journal, ctx: JobContext): Promise<void> {
    try {
      const items = await cleanupJournal(this.xapi, journal, this.profile.name, {
        dryRun: false,
        retries: 0,
        backoffMs: this.backoffMs,
        retryBusy: false,
      });
      for (const i of items.filter((x) => x.action !== 'kept'))
        ctx.log(`leftover of an earlier run: ${cleanupLine(i)}`);
    } catch (e) {
      ctx.log(`leftovers of earlier runs not cleaned up: ${(e as Error).message}`);
    }
  }

  private get backoffMs(): number {
    return (this.profile.backoffSeconds ?? defaultRetryPolicy.backoffSeconds) * 1000;
  }

  /** VM.destroy removes only the record: the snapshot's own disks are destroyed after it. */
  private async destroySnapshot(ref: Ref, ctx: JobContext): Promise<void> {
    const snap = await this.xapi.call<XenVm>('VM.get_record', ref);
    if (!snap.is_a_snapshot) throw new VendorError('OPERATION_NOT_ALLOWED', [`${snap.name_label} is not a snapshot`]);
    const vdis: Ref[] = [];
    for (const vbd of snap.VBDs ?? []) {
      const rec = await this.xapi.call<XenVbd>('VBD.get_record', vbd);
      if (rec.type === 'Disk' && rec.VDI !== NULL_REF) vdis.push(rec.VDI);
    }
    await this.xapi.callAsync('VM.destroy', [ref], ctx.signal);
    for (const vdi of vdis) await this.xapi.callAsync('VDI.destroy', [vdi], ctx.signal);
    ctx.log(`snapshot ${snap.name_label} and ${vdis.length} disk(s) deleted`);
  }

  private async record(
    repo: BackupRepository,
    dir: string,
    kind: BackupKind,
    files: WrittenFile[],
    source: Partial<Manifest['source']>,
    viaSnapshot: boolean,
    extra: Partial<Manifest> = {},
  ): Promise<CatalogEntry> {
    const pool = await this.topPool();
    const manifest: Manifest = {
      format: 'vmbackup-manifest/1',
      kind,
      platform: 'xen',
      created: new Date().toISOString(),
      tool: TOOL,
      source: { connection: this.profile.name, pool: pool ? { id: pool.id, name: pool.name } : undefined, ...source },
      viaSnapshot,
      files: files.map((f) => ({ name: path.basename(f.path), bytes: f.bytes, sha256: f.sha256 })),
      ...extra,
    };
    repo.writeManifest(dir, manifest);
    const entry = repo.entry(dir);
    if (!entry) throw new Error(`backup written to ${dir} but not found in the catalog`);
    return entry;
  }

  /** One record cache per connection (provider): loaded on first use, kept current by XAPI events (recordCache.ts). */
  private cacheOfConnection?: XenRecordCache;
  private get recordCache(): XenRecordCache {
    return (this.cacheOfConnection ??= new XenRecordCache(this.xapi));
  }

  /**
   * The cache, loaded and caught up with the events since; the list methods (`live`) do not wait for the catch-up
   * while the event loop runs (someone watches: the tree), the write paths do (they read what they just changed).
   */
  /** The pool (a connection is one pool). */
  private async topPool(): Promise<ContainerInfo> {
    const [pool] = (await this.listChildren()) as ContainerInfo[];
    return pool;
  }

  private async inventory(live = true): Promise<XenRecordCache> {
    await this.guard(() => this.retry(() => this.recordCache.current(live)));
    return this.recordCache;
  }

  /** Every record of a class, from the cache made current (the cache's own object: read it, do not change it). */
  private async records<T>(cls: CachedClass): Promise<Record<Ref, T>> {
    return (await this.inventory(false)).all<T>(cls);
  }

  /** Transient network failures are retried with backoff (the profile's maxRetries / backoffSeconds); vendor errors are not. */
  private retry<T>(fn: () => Promise<T>, ctx?: JobContext): Promise<T> {
    const policy = {
      maxRetries: this.profile.maxRetries ?? defaultRetryPolicy.maxRetries,
      backoffSeconds: this.profile.backoffSeconds ?? defaultRetryPolicy.backoffSeconds,
    };
    return withRetry(
      () => fn(),
      policy,
      ctx?.signal,
      (err, attempt, delayMs) =>
        ctx?.log(`retry ${attempt}/${policy.maxRetries} in ${delayMs / 1000} s after: ${(err as Error).message}`),
    );
  }

  private async vmContext(vmId: string): Promise<ErrorContext> {
    try {
      const v = await this.xapi.call<XenVm>('VM.get_record', vmId);
      const host =
        v.resident_on && v.resident_on !== NULL_REF
          ? await this.xapi.call<string>('host.get_name_label', v.resident_on)
          : undefined;
      return { vm: v.name_label, host };
    } catch {
      // The record itself may be what failed (a malformed reply): the name alone may still be readable.
      return { vm: await this.xapi.call<string>('VM.get_name_label', vmId).catch(() => vmId) };
    }
  }

  private err(e: VendorError, extra: ErrorContext = {}): VendorError {
    return e.withContext({ connection: this.profile.name, ...extra });
  }

  /** Adds the connection (and, only when something failed, the VM/host it worked on) to the error (withErrorContext). */
  private guard<T>(fn: () => Promise<T>, extra: ErrorContext | (() => Promise<ErrorContext>) = {}): Promise<T> {
    return withErrorContext(this.profile.name, fn, extra);
  }
}

export function createXenProvider(profile: ConnectionProfile, secrets: Secrets): Provider {
  return new XenProvider(profile, secrets);
}
