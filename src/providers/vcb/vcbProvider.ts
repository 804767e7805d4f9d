// VMware Consolidated Backup over SSH: the guide's service-console tools on a VCB host of a VMware connection, acting
// on the same vSphere inventory the VMware provider shows. No vscode here: the CLI, the extension and the tests share
// it. Each operation is one file (vcbBackup, vcbRestore, vcbGroup, vcbFileLevel, vcbCleanup, vcbCatalogValues).
import { CleanupItem } from '../../core/cleanupReport';
import { JobContext } from '../../core/job';
import { ConnectionProfile, VcbHostProfile } from '../../core/model';
import { LiveValues } from '../../formats';
import { VimClient } from '../vmware/vimClient';
import { readInventory } from '../vmware/vmwareInventory';
import { VsphereVm } from '../vmware/vmwareRecords';
import { backupFullVm, VcbBackupResult } from './vcbBackup';
import { vcbCapabilities } from './vcbCapabilities';
import { CatalogNames, catalogLiveValues, readCatalogNames } from './vcbCatalogValues';
import { cleanupVcb, findVcbSnapshots, VcbSnapshotFound } from './vcbCleanup';
import { mountVm, VcbMount } from './vcbFileLevel';
import { ChildJobs, findVms, GroupMember, resAll, snapAll } from './vcbGroup';
import { VcbHostSession, VcbSecrets } from './vcbHostSession';
import { FoundVm, VcbConfigFile, VcbDestination, VcbVmRef } from './vcbRecords';
import {
  CatalogCopy,
  discardCatalogCopy,
  makeCatalogCopy,
  readHostCatalog,
  restoreVm,
  saveCatalogCopy,
  VcbRestoreOptions,
} from './vcbRestore';
import { repositoryCatalogText, restoreFromRepository, VcbRepositoryRestoreOptions } from './vcbRepositoryRestore';
import { CatalogEntry } from '../../core/repository';
import { Journal } from '../../core/journal';
import { cleanupVcbJournal } from './vcbStaging';

export type { VcbRepositoryRestoreOptions } from './vcbRepositoryRestore';

export type { VcbSecrets } from './vcbHostSession';

/** The VCB host of a profile: by its `host` (or `host:port`), else the first. @throws when the profile has none. */
export function vcbHostOf(profile: ConnectionProfile, which?: string): VcbHostProfile {
  const hosts = profile.vcbHosts ?? [];
  const h = which ? hosts.find((x) => x.host === which || `${x.host}:${x.port ?? 22}` === which) : hosts[0];
  if (!h)
    throw new Error(
      which
        ? `connection "${profile.name}" has no VCB host "${which}"`
        : `connection "${profile.name}" has no VCB host: add vcbHosts: [{ host, username }] to it`,
    );
  return h;
}

/** A vSphere VM as the VCB tools name it: the BIOS uuid (config.uuid, guide P.61 "BIOS UUID"), name and moref. */
export function vcbVmRef(vm: VsphereVm): VcbVmRef {
  return { name: vm.name, uuid: vm.uuid, moref: vm.id };
}

export class VcbProvider {
  readonly platform = 'vcb';
  readonly capabilities = vcbCapabilities;
  private constructor(
    readonly session: VcbHostSession,
    /** The VMware connection's vim25 client (logged in), for VCB's snapshots and the catalog's live names. */
    readonly vim?: VimClient,
  ) {}

  /**
   * Connects to the VCB host over SSH (host key pinned) and reads its backuptools.conf.
   * @throws UntrustedCertificateError (SSH_HOST_KEY_UNKNOWN / SSH_HOST_KEY_MISMATCH) with the presented fingerprint;
   *   Error when backuptools.conf is missing, or holds PASSWORD with a mode other than 600.
   */
  static async open(
    profile: ConnectionProfile,
    host: VcbHostProfile,
    secrets: VcbSecrets,
    vim?: VimClient,
    signal?: AbortSignal,
  ): Promise<VcbProvider> {
    if (profile.platform !== 'vmware')
      throw new Error(`connection "${profile.name}": VCB hosts belong to VMware connections`);
    return new VcbProvider(await VcbHostSession.open(profile, host, secrets, signal), vim);
  }

  /** backuptools.conf as read at connect: path, text, mode, settings and the editor's diagnostics. */
  get config(): VcbConfigFile {
    return this.session.config;
  }

  /** vcbVmName -s <spec> (guide P.62). */
  findVms(spec: string, ctx: JobContext): Promise<FoundVm[]> {
    return findVms(this.session, spec, ctx);
  }

  /** vcbMounter -t fullvm to a folder on the VCB host, to scp://, or into a repository (vcbBackup.ts). */
  backup(vm: VcbVmRef, dest: VcbDestination, ctx: JobContext): Promise<VcbBackupResult> {
    return backupFullVm(this.session, vm, dest, ctx);
  }

  /**
   * A copy of the catalog of the backup folder `backupDir` on the VCB host, to edit (the guide's
   * `cp <dir>/catalog /tmp/catalog-vm37`), made in a staging folder that `repository`'s journal names (makeCatalogCopy).
   */
  async copyCatalog(backupDir: string, repository: string, ctx: JobContext, vmName?: string): Promise<CatalogCopy> {
    return makeCatalogCopy(this.session, await readHostCatalog(this.session, backupDir), repository, ctx, vmName);
  }

  /**
   * A copy on the VCB host of the catalog of a VCB backup in `repository` (one restoreFromRepository takes), journalled
   * as copyCatalog's; pass its path as `catalog` to restoreFromRepository.
   */
  copyRepositoryCatalog(entry: CatalogEntry, repository: string, ctx: JobContext): Promise<CatalogCopy> {
    const vm = entry.manifest?.source.vm?.name ?? entry.vmName ?? entry.label;
    return makeCatalogCopy(this.session, repositoryCatalogText(entry), repository, ctx, vm);
  }

  /** Removes a catalog copy (its staging folder) and completes its journal entry. */
  discardCatalogCopy(copy: CatalogCopy, ctx: JobContext): Promise<void> {
    return discardCatalogCopy(this.session, copy, ctx);
  }

  /** Writes an edited catalog copy after validating it (errors refuse). */
  saveCatalogCopy(path: string, text: string) {
    return saveCatalogCopy(this.session, path, text);
  }

  /** vcbRestore -s <dir> [-a <copy>] -b <mode> (guide P.65–68). */
  restore(backupDir: string, opts: VcbRestoreOptions, ctx: JobContext, vmName?: string): Promise<{ output: string }> {
    return restoreVm(this.session, backupDir, opts, ctx, vmName);
  }

  /**
   * Restores a VCB backup kept in the repository (`entry.manifest.platform === 'vcb'`, e.g. one `backup()` pulled in):
   * uploads its folder (catalog, .vmx, split .vmdk) over SFTP into a staging folder on the VCB host — recorded in the
   * repository's journal before it is made, each file's sha256 checked on the VCB host against the manifest as it
   * lands (sha256sum there, else read back over SFTP) — then `vcbRestore -s <staging>/backup -b <opts.mode>` (guide
   * P.65–68), with `-a` when `opts.catalogText` (an edited copy of the backup's catalog, validated first, written into
   * the staging folder mode 600) or `opts.catalog` (a copy on the VCB host) is given; `prompt` questions go to
   * `opts.answer`. The staging folder is removed in every case (what cannot go is a job warning, left for cleanup()).
   * A cancel during the upload leaves nothing on the VCB host and registers no VM.
   * @returns vcbRestore's output and the staging path it used (gone by then).
   * @throws Error naming connection, VCB host and VM: not a VCB backup of this tool, files not as the manifest says,
   *   catalog errors, sha256 mismatch; VcbToolError (vcbRestore's own message, e.g. `-b abort`), UnansweredPromptError,
   *   CancelledError, IdleTimeoutError.
   */
  restoreFromRepository(
    entry: CatalogEntry,
    opts: VcbRepositoryRestoreOptions,
    ctx: JobContext,
  ): Promise<{ output: string; staging: string }> {
    return restoreFromRepository(this.session, entry, opts, ctx);
  }

  /** vcbSnapAll into a new folder, one child job per VM (guide P.64). */
  snapAll(spec: string, dest: string, ctx: JobContext, children: ChildJobs): Promise<GroupMember[]> {
    return snapAll(this.session, spec, dest, ctx, children);
  }

  /** vcbResAll from a vcbSnapAll folder, one child job per VM; a child succeeds when its VM is registered in vSphere. */
  resAll(source: string, opts: VcbRestoreOptions, ctx: JobContext, children: ChildJobs): Promise<GroupMember[]> {
    const vim = this.vim;
    const registered = vim
      ? async (name: string) => (await readInventory(vim, { signal: ctx.signal })).vms.some((v) => v.name === name)
      : undefined;
    return resAll(this.session, source, opts, ctx, children, registered);
  }

  /** vcbMounter -t file: a read-only view of the VM's volumes until unmount (vcbFileLevel.ts). */
  mount(vm: VcbVmRef, ctx: JobContext): Promise<VcbMount> {
    return mountVm(this.session, vm, ctx);
  }

  /** VCB's own backup snapshots in vSphere (exact VCB names). @throws without the VMware connection's client. */
  vcbSnapshots(signal?: AbortSignal): Promise<VcbSnapshotFound[]> {
    if (!this.vim) throw new Error(`${this.session.where()}: the vSphere connection is needed to list snapshots`);
    return findVcbSnapshots(this.vim, signal);
  }

  /**
   * vcbCleanup -y, then VCB's snapshots left in vSphere, then — with `repository` — the staging folders killed jobs of
   * this connection left on this VCB host, exactly those the repository's journal names and the host confirms
   * (cleanupJournal). Dry run: listed only.
   */
  async cleanup(opts: { dryRun?: boolean; repository?: string }, ctx: JobContext): Promise<CleanupItem[]> {
    const items = await cleanupVcb(this.session, this.vim, !!opts.dryRun, ctx);
    if (opts.repository) items.push(...(await this.cleanupJournal(opts.repository, !!opts.dryRun)));
    return items;
  }

  /**
   * Only the journal part of cleanup(): abandoned `vcb` entries of this connection in `repository` settled (staging
   * folder on this VCB host if it confirms it, unfinished repository folder), nothing else run. `thisHostOnly`: entries
   * of other VCB hosts are passed over silently (else reported `skipped`, naming the host).
   */
  cleanupJournal(repository: string, dryRun: boolean, thisHostOnly = false): Promise<CleanupItem[]> {
    return cleanupVcbJournal(this.session, new Journal(repository), dryRun, thisHostOnly);
  }

  /** Datastores, folders, resource pools and hosts for a catalog copy, and the completion values built from them. */
  async catalogNames(ctx: JobContext): Promise<{ names: CatalogNames; liveValues: LiveValues }> {
    if (!this.vim) throw new Error(`${this.session.where()}: the vSphere connection is needed for live names`);
    const names = await readCatalogNames(this.session, await readInventory(this.vim, { signal: ctx.signal }), ctx);
    return { names, liveValues: catalogLiveValues(names) };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
