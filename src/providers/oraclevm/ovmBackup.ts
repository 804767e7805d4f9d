// An Oracle VM VM's backup the ways guide §12.2 lists: a cold clone into a backup repository whose files are then
// copied (and the clone deleted), the stopped VM's own files copied, or (confirmed) a hot clone of the running VM on
// OCFS2, copied and deleted as a cold clone is, or (with the Manager CLI) the stopped VM exported as a virtual appliance
// whose .ova is copied (ovmOvaExport.ts). The backup folder `<repository>/<vm>/<timestamp>-vm/` holds `vm.cfg` and the
// disk images (under their file names in the Oracle VM repository), or the `.ova`, with manifest.json.
import { readOriginalVmCfg } from './ovmOriginalCfg';
import { ErrorContext, VendorError, throwIfAborted } from '../../core/errors';
import { notFoundText } from '../../core/notFound';
import { JobContext, warn } from '../../core/job';
import { Journal, JournalEntry } from '../../core/journal';
import { OracleVmServerAccess } from '../../core/model';
import { BackupOptions } from '../../core/provider';
import { BackupRepository, CatalogEntry } from '../../core/repository';
import { within } from '../../core/safeName';
import { removeIfUnfinished } from '../../core/unfinishedBackup';
import { WrittenFile } from '../../core/verifiedWrite';
import { OVA_NEEDS_CLI, OvmBackupMethod, describeBackupOptions, tradeOffText } from './ovmBackupOptions';
import { ManagerCliAccess } from './manager/managerCli';
import { backupOvaExport } from './ovmOvaExport';
import { logSettled, recordOvmBackup } from './ovmBackupRecord';
import { cloneJobName, settleCloneEntry } from './ovmCloneCleanup';
import { FollowOptions, OvmClient, idSegment } from './ovmClient';
import { CustomizerDisk, OvmCloneType, createCloneCustomizer, customizerName } from './ovmCloneCustomizer';
import { getRepository, getVm, listRepositories, listVmDiskMappings, listVms, vmVirtualDisks } from './ovmInventory';
import { OvmRepository, OvmVm, parseVirtualDisk } from './ovmRecords';
import { diskPath, openRepositoryServer, vmCfgPath } from './ovmRepositoryFiles';
import { cloneVm, startVm, stopVm } from './ovmVmActions';

/** A VM backup on Oracle VM: BackupOptions plus the §12.2 method and what it needs. */
export interface OvmBackupOptions extends BackupOptions {
  /** Default `cold-clone`. */
  method?: OvmBackupMethod;
  /**
   * `stop`: stop the VM first (a clean `PUT Vm/{id}/stop`) when it is not STOPPED, and start it again as soon as its
   * clone exists (after the copy for copy-stopped, and after a failure); without it a running VM is refused.
   * `confirmed`: the explicit confirmation a hot clone needs (its disks are inconsistent).
   */
  /** The repository (id or name) the cold clone (or the OVA export) goes into; default the VM's own. */
  cloneRepository?: string;
}

/** What a backup needs from the provider: the Manager client, the connection's name and its server access. */
export interface OvmBackupEnv {
  client: OvmClient;
  connection: string;
  access?: OracleVmServerAccess;
  sshPassword?: string;
  /** A copy on which nothing moves this long fails, ms (default 5 min). */
  idleMs?: number;
  /** The Manager CLI (managerHost.cliPort/cliHostKey): needed by the OVA export only. */
  cli?: ManagerCliAccess;
}

/**
 * Backs up one VM into `opts.repository` (see OvmBackupOptions). The trade-off of the method is logged first (guide
 * Table 12.1). Hot clone: refused without `confirmed` (HOT_CLONE_NOT_CONFIRMED) before anything is contacted; its
 * warning is a job warning; the Manager refuses it (OVMRU_005002E, verbatim) unless the VM's disks and the clone's
 * repository are on OCFS2 (Oracle VM Concepts Guide §7.6 "How does Cloning Work?"). Cold and hot clone: the intent is journalled before the clone is asked for, then the Manager's job id and the
 * clone; whatever happens after, the clone and its disks are deleted (a killed job's by `cleanup`). A failed or
 * cancelled backup leaves no backup folder. A running VM without `stop`: the Manager refuses the clone with
 * OVMRU_005002E (raised verbatim); a copy of files refuses it itself (VM_NOT_STOPPED).
 */
export async function backupOvmVm(
  env: OvmBackupEnv,
  vmId: string,
  opts: OvmBackupOptions,
  ctx: JobContext,
): Promise<CatalogEntry> {
  const { client } = env;
  const method = opts.method ?? 'cold-clone';
  if (method === 'ova-export' && !env.cli)
    throw new VendorError('MANAGER_CLI_NOT_CONFIGURED', [OVA_NEEDS_CLI], { connection: env.connection, vm: vmId });
  let vm = await getVm(client, vmId, ctx.signal);
  const context = { connection: env.connection, vm: vm.name };
  const follow: FollowOptions = {
    signal: ctx.signal,
    context,
    onProgress: (m) => ctx.progress({ bytesDone: 0, message: m }),
  };
  ctx.log(tradeOffText(method));
  if (method === 'hot-clone') {
    const warning = describeBackupOptions().find((o) => o.method === 'hot-clone')!.needsConfirmation!;
    if (!opts.confirmed)
      throw new VendorError('HOT_CLONE_NOT_CONFIRMED', [`${warning} Confirm it explicitly to go on.`], context);
    // The guide's warning is about a running VM's disks; a STOPPED VM's are consistent (a cold clone in effect).
    if (vm.vmRunState === 'STOPPED')
      ctx.log(`${vm.name} is STOPPED: its hot clone is consistent, as a cold clone's would be`);
    else warn(ctx, `hot clone of ${vm.name} while it is ${vm.vmRunState}: ${warning}`);
  }
  let stoppedHere = false;
  if (vm.vmRunState !== 'STOPPED' && opts.stop && method !== 'hot-clone') {
    ctx.log(`stopping ${vm.name} (it is ${vm.vmRunState})`);
    await stopVm(client, vm, follow);
    stoppedHere = true;
    vm = await getVm(client, vmId, ctx.signal);
  }
  // A VM this backup stopped is started again as soon as it need not be stopped any more: once its clone exists (a
  // clone method), else once its files are copied — and after a failure or a cancel too (not tied to the signal).
  const startAgain = async () => {
    if (!stoppedHere) return;
    stoppedHere = false;
    ctx.log(`starting ${vm.name} again (this backup stopped it)`);
    await startVm(client, vm, { context, onProgress: follow.onProgress }).catch((e: Error) =>
      warn(ctx, `${vm.name} was stopped for the backup and could not be started again: ${e.message}`),
    );
  };
  if (method === 'ova-export') {
    // A running VM (without --stop) is the Manager's to refuse (A.106: "must be in the Stopped state"), its message verbatim.
    const target = opts.cloneRepository
      ? await findRepository(client, opts.cloneRepository, follow.context!, ctx.signal)
      : vm.repositoryId && (await getRepository(client, vm.repositoryId.value, ctx.signal));
    if (!target) throw new VendorError('VM_NOT_IN_REPOSITORY', [`VM "${vm.name}" has no repository`], context);
    // Stopped for the export only: started again once the Manager's export job has ended (or failed).
    try {
      return await backupOvaExport({ ...env, cli: env.cli! }, vm, target, opts.repository, follow, ctx, startAgain);
    } finally {
      await startAgain();
    }
  }
  if (method === 'copy-stopped' && vm.vmRunState !== 'STOPPED')
    throw new VendorError(
      'VM_NOT_STOPPED',
      [`the VM is ${vm.vmRunState}: copying its files needs it STOPPED (guide §12.2); stop it first (--stop)`],
      context,
    );
  const journal = new Journal(opts.repository);
  const clone = method === 'cold-clone' || method === 'hot-clone';
  const entry = await journal.begin({
    connection: env.connection,
    platform: 'oraclevm',
    vm: { id: vm.id.value, uuid: vm.id.value, name: vm.name },
    // Nothing the Manager had before the intent can be the job's clone.
    before: clone ? (await listVms(client, {}, ctx.signal)).map((v) => v.id.value) : [],
  });
  let failure: unknown;
  try {
    const source = clone ? await makeClone(env, vm, method, opts, journal, entry, follow, ctx.log) : vm;
    if (clone) await startAgain();
    return await copyVmFiles(env, vm, source, method, opts.repository, journal, entry, ctx);
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    await startAgain();
    // Not tied to ctx.signal: a cancelled backup must still delete its clone.
    const items = await settleCloneEntry(client, journal, entry, journal.list().entries, false).catch((e: Error) => [
      { action: 'skipped' as const, what: `journal entry ${entry.id}`, why: e.message },
    ]);
    logSettled(ctx, items, !!failure);
    // Only now may a cleanup take the entry over (an entry of a live job is never abandoned).
    journal.release(entry);
  }
}

/**
 * The cold or hot clone (guide §12.2) through a clone customizer named for the journal entry's marker (so Clean Up
 * finds it after a kill), as the Concepts Guide §7.6 and the public backup scripts do (ovmCloneCustomizer.ts): each
 * virtual disk of the VM gets a storage mapping — a hot clone THIN_CLONE (an OCFS2 reflink) into the disk's own
 * repository or `cloneRepository`, a cold clone SPARSE_COPY into `cloneRepository` (default the VM's repository) —,
 * then `PUT Vm/{id}/clone?…&vmCloneDefinitionId=`. The clone's Manager job is recorded as soon as it is submitted, then
 * the clone and its disks. The customizer is deleted by the backup's settleCloneEntry, whatever happened.
 */
async function makeClone(
  env: OvmBackupEnv,
  vm: OvmVm,
  method: 'cold-clone' | 'hot-clone',
  opts: OvmBackupOptions,
  journal: Journal,
  entry: JournalEntry,
  follow: FollowOptions,
  log: (line: string) => void,
): Promise<OvmVm> {
  const { client } = env;
  if (!vm.serverPoolId)
    throw new VendorError('VM_NOT_IN_POOL', ['a clone is made in a server pool: the VM is in none'], follow.context);
  const target = opts.cloneRepository
    ? await findRepository(client, opts.cloneRepository, follow.context ?? {}, follow.signal)
    : undefined;
  const repos = await listRepositories(client, follow.signal);
  const vmRepositoryId = target?.id.value ?? vm.repositoryId?.value;
  if (!vmRepositoryId)
    throw new VendorError('VM_NOT_IN_REPOSITORY', [`VM "${vm.name}" has no repository`], follow.context);
  const hot = method === 'hot-clone';
  const cloneType: OvmCloneType = hot ? 'THIN_CLONE' : 'SPARSE_COPY';
  const disks: CustomizerDisk[] = [];
  for (const m of await listVmDiskMappings(client, vm.id.value, follow.signal)) {
    if (!m.virtualDiskId) continue;
    const d = parseVirtualDisk(await client.get(`VirtualDisk/${idSegment(m.virtualDiskId.value)}`, follow.signal));
    if (d.diskType === 'VIRTUAL_CDROM') continue;
    const into = hot && !target ? d.repositoryId?.value : vmRepositoryId;
    if (!into) throw new VendorError('VM_NOT_IN_REPOSITORY', [`disk "${d.name}" has no repository`], follow.context);
    disks.push({ mappingId: m.id.value, repositoryId: into });
  }
  const name = customizerName(entry.marker);
  const repoName = (id: string) => repos.find((r) => r.id.value === id)?.name ?? id;
  log(
    `clone customizer "${name}" on ${vm.name}: ${cloneType} of ${disks.length} virtual disk(s) into ${[...new Set(disks.map((d) => repoName(d.repositoryId)))].join(', ') || repoName(vmRepositoryId)} (${hot ? 'a hot clone: OCFS2 thin clones (reflinks) of the running VM’s disks' : 'a cold clone: full copies of the stopped VM’s disks'})`,
  );
  const definition = await createCloneCustomizer(client, vm, name, cloneType, disks, follow);
  // Recorded just before the request: an entry with a name may have a clone the Manager made before it answered (a
  // killed job's cleanup then says where to look); one without was stopped before anything was asked.
  throwIfAborted(follow.signal);
  await journal.update(entry, { name: cloneJobName(vm.name) });
  const id = await cloneVm(
    client,
    vm,
    {
      serverPoolId: vm.serverPoolId.value,
      repositoryId: vmRepositoryId,
      vmCloneDefinitionId: definition,
      submitted: async (job) => {
        await journal.update(entry, { job: job.id.value });
      },
    },
    follow,
  );
  await journal.update(entry, { state: 'created', created: { id: id.value, uuid: id.value } });
  const cloneDisks = await vmVirtualDisks(client, id.value, follow.signal);
  await journal.update(entry, {
    disks: cloneDisks.map((d) => ({ id: d.id.value, uuid: d.id.value, parent: d.repositoryId?.value })),
  });
  return getVm(client, id.value, follow.signal);
}

/** The Manager's repository with this id or name, else REPOSITORY_NOT_FOUND naming the ones it has. */
async function findRepository(
  client: OvmClient,
  idOrName: string,
  context: ErrorContext,
  signal?: AbortSignal,
): Promise<OvmRepository> {
  const repos = await listRepositories(client, signal);
  const r = repos.find((x) => x.id.value === idOrName || x.name === idOrName);
  if (!r)
    throw new VendorError(
      'REPOSITORY_NOT_FOUND',
      [
        notFoundText(
          'repository',
          idOrName,
          'the Manager',
          repos.map((x) => x.name),
        ),
      ],
      context,
    );
  return r;
}

/**
 * Copies `source`'s vm.cfg and disk images from its repository over SFTP into a new backup folder (journalled before
 * its mkdir), then writes the manifest. `vm` is the backed-up VM (the source itself, or what it was cloned from). A
 * copy of the stopped VM itself checks at the end that it is still STOPPED.
 */
async function copyVmFiles(
  env: OvmBackupEnv,
  vm: OvmVm,
  source: OvmVm,
  method: OvmBackupMethod,
  repository: string,
  journal: Journal,
  entry: JournalEntry,
  ctx: JobContext,
): Promise<CatalogEntry> {
  const { client } = env;
  const context = { connection: env.connection, vm: vm.name };
  if (!source.repositoryId)
    throw new VendorError('VM_NOT_IN_REPOSITORY', [`VM "${source.name}" has no repository`], context);
  const ovmRepo = await getRepository(client, source.repositoryId.value, ctx.signal);
  const disks = await vmVirtualDisks(client, source.id.value, ctx.signal);
  const files = [
    { rel: vmCfgPath(source.id.value, context), name: 'vm.cfg' },
    ...disks.map((d) => {
      const rel = diskPath(d, context);
      return { rel, name: rel.slice('VirtualDisks/'.length), disk: d };
    }),
  ];
  const repo = new BackupRepository(repository);
  const dir = await repo.reserveBackupDir(vm.name, 'vm', async (d) => {
    await journal.update(entry, { folder: d, folderMade: false, files: files.map((f) => f.name) });
  });
  await journal.update(entry, { folderMade: true });
  return removeIfUnfinished(dir, async () => {
    const server = await openRepositoryServer(
      client,
      env.access,
      ovmRepo,
      { sshPassword: env.sshPassword },
      context,
      ctx.signal,
    );
    const written: Array<WrittenFile & { name: string }> = [];
    try {
      ctx.log(`reading repository "${ovmRepo.name}" on server ${server.server.name} (${server.folder})`);
      for (const f of files) {
        ctx.log(`copying ${f.rel}`);
        const w = await server.session.download(server.remote(f.rel), within(dir, f.name), {
          signal: ctx.signal,
          idleMs: env.idleMs,
          onProgress: (p) => ctx.progress({ ...p, message: f.name }),
        });
        written.push({ ...w, name: f.name });
      }
    } finally {
      await server.session.close();
    }
    if (method === 'copy-stopped') {
      const now = await getVm(client, vm.id.value, ctx.signal);
      if (now.vmRunState !== 'STOPPED')
        throw new VendorError(
          'VM_NOT_STOPPED',
          [`the VM became ${now.vmRunState} during the copy: the copied disks are not consistent`],
          context,
        );
    }
    const catalogEntry = await recordOvmBackup(
      client,
      env.connection,
      vm,
      repo,
      dir,
      written.map((w) => ({ name: w.name, bytes: w.bytes, sha256: w.sha256 })),
      ctx.signal,
      // a clone's own vm.cfg has MACs the Manager gave the clone: the backed-up VM's are read from its vm.cfg
      source === vm
        ? undefined
        : await readOriginalVmCfg(client, env.access, vm, { sshPassword: env.sshPassword }, context, ctx.signal),
    );
    ctx.log(`${source !== vm ? `clone "${source.name}"` : vm.name}: ${written.length} files copied`);
    return catalogEntry;
  });
}
