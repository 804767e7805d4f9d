// Restore of an Oracle VM backup as a new VM: its disk images and an edited vm.cfg (new id, name, disk paths, networks,
// MACs) written over SFTP into a chosen repository; then the Manager imports them with a repository refresh (Manager
// CLI `refresh Repository`), the product checks that the VM and its disks are there, puts the VM into the chosen server
// pool (`PUT ServerPool/{id}/addVm`) and checks that it is in it; and, when asked, starts it (ovmRestoreImport.ts: the
// sources of each step). A failed step removes exactly what the restore made. The neutral RestoreOptions map so:
// `storageId` → the repository (required); `placement.container` (kind `serverPool`) → the server pool; `networkMap`
// (vif index → network id or name) → each vif's `bridge=`; `mode` keepMacs → the vifs' MACs kept; `powerOn` →
// `PUT /Vm/{id}/start` (python-ovmclient `VmManager.start`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { BackupContentError, VendorError, describeContext, isCancel, throwIfAborted } from '../../core/errors';
import { choicesText, notFoundText } from '../../core/notFound';
import { JobContext } from '../../core/job';
import { VmInfo } from '../../core/model';
import { RestoreOptions } from '../../core/provider';
import { backupNics, missingNetworksError, nicPlanLine, planNics } from '../../core/restoreNetworks';
import { listOvmNetworks, vmCfgNics } from './ovmNetworks';
import { startVm } from './ovmVmActions';
import { CatalogEntry } from '../../core/repository';
import { defaultRestoreName } from '../../core/restoreName';
import { requireVmBackupFor } from '../../core/restorable';
import { within } from '../../core/safeName';
import { FollowOptions } from './ovmClient';
import { OvmBackupEnv } from './ovmBackup';
import { ManagerCliAccess } from './manager/managerCli';
import { getVm, listRepositories, listServerPools, repositoryFileSystem } from './ovmInventory';
import { backupBytes, checkSpace } from '../../core/restoreStorage';
import { OvmVm, toStorage, toVm } from './ovmRecords';
import {
  RestoreLeftovers,
  addVmToPool,
  checkImported,
  refreshRepositoryCli,
  undoRestore,
  vmIds,
} from './ovmRestoreImport';
import { DEFAULT_REPOSITORY_ROOT, checkSegment, openRepositoryServer } from './ovmRepositoryFiles';
import { beginRestoreEntry, endRestoreEntry, refreshAsked, restoreJournal } from './ovmRestoreJournal';
import { UNSAFE_VM_CFG, VmCfgDisk, editVmCfg, vmCfgDisks } from './ovmVmCfg';

/** How long a cancelled restore still waits for the Manager's repository refresh to end (see restoreOvmVm). */
const REFRESH_GRACE_MS = 120_000;

/**
 * A new object id in the Manager's format (fog-oracle mocks, protocols.md §2.3): 32 hex, `0004fb00`, the type's infix
 * (`0006` Vm, `0012` disk, with `.img`), `0000`, 16 random hex. That the Manager keeps it on import is not documented:
 * checkImported also finds the VM by the name written.
 */
function newOvmId(infix: '0006' | '0012'): string {
  return `0004fb00${infix}0000${randomBytes(8).toString('hex')}`;
}

/** A restore's environment: a backup's, plus the Manager CLI (`managerHost.cliPort` / `cliHostKey`) for the refresh. */
export interface OvmRestoreEnv extends OvmBackupEnv {
  cli?: ManagerCliAccess;
}

/** The product's code for a restore on a connection whose Manager CLI is not configured. */
export const MANAGER_CLI_NOT_CONFIGURED = 'MANAGER_CLI_NOT_CONFIGURED';

/**
 * Restores `entry` (an `oraclevm` backup: vm.cfg and disk images) as a new VM. Refused before anything is contacted
 * for an OVA backup (OVA_RESTORE_NOT_SUPPORTED, naming the file: the Manager's importVirtualAppliance takes a URL) and
 * without the Manager CLI (MANAGER_CLI_NOT_CONFIGURED). Every `disk` of the vm.cfg must name a file of the backup under
 * `/OVS/Repositories/<repo>/VirtualDisks/` (else UNSAFE_VM_CFG, before anything is written); CD-ROM entries are
 * dropped. Files go to new names (`.part`, fsync, rename); the refresh, the import check (VM_NOT_IMPORTED,
 * VM_DISKS_NOT_IMPORTED), the pool move and its check (VM_NOT_IN_POOL) follow; any failure or a cancel up to there
 * removes exactly what the restore made (undoRestore) and names what could not be removed.
 */
export async function restoreOvmVm(
  env: OvmRestoreEnv,
  entry: CatalogEntry,
  opts: RestoreOptions,
  ctx: JobContext,
): Promise<VmInfo> {
  const { client } = env;
  requireVmBackupFor(entry, 'oraclevm', env.connection);
  const m = entry.manifest!;
  const context = { connection: env.connection, vm: opts.name ?? m.source.vm?.name };
  if (opts.mode === 'replace')
    throw new VendorError(
      'NOT_SUPPORTED',
      ['replacing the original VM is not offered on Oracle VM: restore as a new VM'],
      context,
    );
  const ova = m.files.find((f) => /\.ova$/i.test(f.name));
  if (ova && !m.files.some((f) => f.name === 'vm.cfg'))
    throw new VendorError(
      'OVA_RESTORE_NOT_SUPPORTED',
      [
        `${entry.label} is an OVA backup (${path.join(entry.dir, ova.name)}): the tool does not restore it. The Manager imports a virtual appliance only from a URL (Oracle VM CLI reference importVirtualAppliance); serve that file over HTTP or FTP and import it in Oracle VM Manager, or import it with another OVF tool`,
      ],
      context,
    );
  const cli = env.cli;
  if (!cli)
    throw new VendorError(
      MANAGER_CLI_NOT_CONFIGURED,
      [
        `a restore has the Manager import the files with its CLI (refresh Repository, Oracle VM CLI reference A.124): give connection "${env.connection}" managerHost.cliPort (the Manager CLI's SSH port, 10000) and managerHost.cliHostKey (its pinned SHA256 key)`,
      ],
      context,
    );
  const container = opts.placement?.container;
  if ((container && container.kind !== 'serverPool') || opts.placement?.resourcePoolId || opts.placement?.folderId)
    throw new VendorError(
      'INVALID_PLACEMENT',
      ['an Oracle VM restore goes into a repository and a server pool: no host, cluster, resource pool or folder'],
      context,
    );
  const cfgFile = m.files.find((f) => f.name === 'vm.cfg');
  if (!cfgFile) throw new Error(`${entry.label}: the backup has no vm.cfg`);
  const images = new Map(
    m.files.filter((f) => f.name !== 'vm.cfg').map((f) => [checkSegment(f.name, 'backup file', context), f]),
  );
  const cfgPath = within(entry.dir, 'vm.cfg');
  if (fs.statSync(cfgPath).size > 1024 * 1024)
    throw new VendorError(UNSAFE_VM_CFG, ['vm.cfg is larger than 1 MiB'], context);
  const cfgBytes = fs.readFileSync(cfgPath);
  if (cfgFile.sha256 && createHash('sha256').update(cfgBytes).digest('hex') !== cfgFile.sha256)
    throw new BackupContentError('vm.cfg', 'nothing was written to the repository');
  const text = cfgBytes.toString('utf8');

  // Where it goes: the repository (required), the server pool.
  if (!opts.storageId) throw new Error('restore on Oracle VM: name the repository to import into (--sr)');
  const repos = await listRepositories(client, ctx.signal);
  const repo = repos.find((r) => r.id.value === opts.storageId || r.name === opts.storageId);
  if (!repo)
    throw new VendorError(
      'REPOSITORY_NOT_FOUND',
      [
        notFoundText(
          'repository',
          opts.storageId,
          'the Manager',
          repos.map((r) => r.name),
        ),
      ],
      context,
    );
  // Room for the backup's files on the repository's file system (its freeSize), refused before anything is written.
  // No freeSize in the Manager's reply (the 3.3.3 key, assumed for 3.4): free space unknown, said, not refused.
  const space = toStorage(repo, await repositoryFileSystem(client, repo, ctx.signal));
  if (space.freeBytes === undefined)
    ctx.log(
      `repository "${repo.name}": free space unknown (the Manager's FileSystem reply has no freeSize): the restore goes on without a space check`,
    );
  checkSpace(space, backupBytes(entry), describeContext(context), 'repository');
  const pools = await listServerPools(client, ctx.signal);
  const poolKey = container?.id ?? m.source.pool?.id;
  const pool = poolKey ? pools.find((p) => p.id.value === poolKey || p.name === poolKey) : undefined;
  if (container && !pool)
    throw new VendorError(
      'SERVER_POOL_NOT_FOUND',
      [
        notFoundText(
          'server pool',
          container.id,
          'the Manager',
          pools.map((p) => p.name),
        ),
      ],
      context,
    );
  if (opts.powerOn && !pool)
    throw new VendorError(
      'SERVER_POOL_NOT_FOUND',
      [
        `a VM is started in a server pool: choose one (--server-pool); the server pools: ${choicesText(pools.map((p) => p.name))}`,
      ],
      context,
    );

  // Each vif → a network of the Manager (by the backed-up name, else the same network id), refused before any upload.
  const nets = await listOvmNetworks(client, ctx.signal);
  const recorded = backupNics(entry);
  const nics = vmCfgNics(text, nets).map((n) => ({
    ...n,
    network: recorded.find((r) => r.key === n.key)?.network ?? n.network,
  }));
  const plan = planNics(nics, nets, opts.networkMap ?? {}, entry.label, 'VIF');
  const missing = missingNetworksError(plan, nets, entry.label, 'VIF');
  if (missing) throw new VendorError('NETWORK_NOT_FOUND', [missing.message], context);
  for (const p of plan) ctx.log(nicPlanLine(p, 'VIF'));
  const vifNetworks = Object.fromEntries(plan.filter((p) => p.to).map((p) => [p.key, p.to!.id]));

  // The new vm.cfg, checked before anything is written.
  const root = (env.access?.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT).replace(/\/+$/, '');
  const vmId = newOvmId('0006');
  const uploads: Array<{ local: string; name: string; bytes: number; sha256?: string }> = [];
  const disks: VmCfgDisk[] = [];
  for (const d of vmCfgDisks(text)) {
    if (/:cdrom$/.test(d.device)) {
      ctx.log(`CD-ROM ${d.path} (${d.device}) is not part of the backup: left out`);
      continue;
    }
    const mm = /^\/OVS\/Repositories\/([^/]+)\/VirtualDisks\/([^/]+)$/.exec(d.path);
    const name = mm?.[2];
    if (!mm || mm[1] === '.' || mm[1] === '..' || !name || !images.has(name))
      throw new VendorError(
        UNSAFE_VM_CFG,
        [
          `vm.cfg: disk ${JSON.stringify(d.path.slice(0, 200))} is not one of the backup's disk images in a repository's VirtualDisks`,
        ],
        context,
      );
    const newName = `${newOvmId('0012')}.img`;
    const image = images.get(name)!;
    uploads.push({ local: within(entry.dir, name), name: newName, bytes: image.bytes, sha256: image.sha256 });
    disks.push({ path: `${root}/${repo.id.value}/VirtualDisks/${newName}`, device: d.device, mode: d.mode });
  }
  const displayName = opts.name ?? defaultRestoreName(entry) ?? `${entry.label} (restored)`;
  const cfg = editVmCfg(text, {
    vmId,
    displayName,
    disks,
    networks: vifNetworks,
    keepMacs: opts.mode === 'keepMacs',
    macs: Object.fromEntries((m.source.vm?.macs ?? []).map((n) => [n.device, n.mac])),
  });

  const follow: FollowOptions = {
    signal: ctx.signal,
    context,
    onProgress: (msg) => ctx.progress({ bytesDone: 0, message: msg }),
  };
  const manager = `${cli.host} (Manager CLI port ${cli.port})`;
  const where = { manager, context: { ...context, host: cli.host }, signal: ctx.signal };
  const before = await vmIds(client, ctx.signal);
  if (opts.mode === 'keepMacs' && m.source.vm?.id && before.has(m.source.vm.id))
    ctx.log(
      `warning: the original VM "${m.source.vm.name}" still exists on the Manager with the same MAC addresses: never run both at the same time`,
    );
  const server = await openRepositoryServer(
    client,
    env.access,
    repo,
    { sshPassword: env.sshPassword },
    context,
    ctx.signal,
  );
  const vmDir = server.remote(`VirtualMachines/${vmId}`);
  const leftovers: RestoreLeftovers = { repo, diskFiles: uploads.map((u) => u.name), written: [], vmDir };
  // Journalled before anything is written, so that Clean Up finds what a killed restore left (ovmRestoreCleanup.ts).
  const journal = restoreJournal(entry);
  const jEntry = await beginRestoreEntry(journal, {
    connection: env.connection,
    vmId,
    name: displayName,
    before,
    repositoryId: repo.id.value,
    server: server.server.name,
    paths: [...uploads.map((u) => server.remote(`VirtualDisks/${u.name}`)), vmDir, `${vmDir}/vm.cfg`],
    folder: vmDir,
    diskFiles: leftovers.diskFiles,
  }).catch(async (e: unknown) => {
    await server.session.close();
    throw e;
  });
  const files = await server.session.files().catch(async (e: unknown) => {
    await server.session.close();
    await endRestoreEntry(journal, jEntry, []);
    throw e;
  });
  let vm: OvmVm;
  let refreshMayGoOn = false;
  try {
    ctx.log(`writing into repository "${repo.name}" on server ${server.server.name} (${server.folder})`);
    for (const u of uploads) {
      throwIfAborted(ctx.signal);
      const remote = server.remote(`VirtualDisks/${u.name}`);
      ctx.log(`uploading ${path.basename(u.local)} as VirtualDisks/${u.name}`);
      leftovers.written.push(remote);
      await files.upload(u.local, remote, u.bytes, {
        signal: ctx.signal,
        idleMs: env.idleMs,
        sha256: u.sha256, // checked as it is sent: a damaged image is never renamed into place
        onProgress: (p) => ctx.progress({ ...p, message: u.name }),
      });
    }
    await files.mkdir(vmDir);
    leftovers.written.push(vmDir);
    leftovers.written.push(`${vmDir}/vm.cfg`);
    // The edited vm.cfg exists locally only while it is sent (a kill later leaves nothing in the temporary folder).
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-ovm-cfg-'));
    try {
      const localCfg = path.join(tmp, 'vm.cfg');
      fs.writeFileSync(localCfg, cfg);
      await files.upload(localCfg, `${vmDir}/vm.cfg`, Buffer.byteLength(cfg), {
        signal: ctx.signal,
        idleMs: env.idleMs,
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }

    ctx.log(
      `refreshing repository "${repo.name}" with the Manager CLI (refresh Repository) so that the Manager imports the VM`,
    );
    throwIfAborted(ctx.signal);
    await refreshAsked(journal, jEntry);
    // Once asked, the refresh is waited for even when the restore is cancelled (up to REFRESH_GRACE_MS more): the
    // Manager's job goes on without the CLI session, and would import the VM after the undo had looked for it. Its
    // end is what tells what to undo.
    const grace = new AbortController();
    let graceTimer: NodeJS.Timeout | undefined;
    const cancelled = () => {
      ctx.log(
        `cancel asked: waiting for the Manager to end the refresh (at most ${REFRESH_GRACE_MS / 1000} s), then undoing the restore`,
      );
      graceTimer = setTimeout(() => grace.abort(), REFRESH_GRACE_MS);
    };
    ctx.signal?.addEventListener('abort', cancelled, { once: true });
    const refreshed = await refreshRepositoryCli(cli, repo, where.context, grace.signal)
      .catch((e: unknown) => {
        refreshMayGoOn = grace.signal.aborted;
        if (grace.signal.aborted)
          ctx.log(
            `the refresh did not end within ${REFRESH_GRACE_MS / 1000} s of the cancel: the Manager may still import VM "${displayName}" (${vmId}) from repository "${repo.name}"`,
          );
        throw e;
      })
      .finally(() => {
        clearTimeout(graceTimer);
        ctx.signal?.removeEventListener('abort', cancelled);
      });
    ctx.log(
      `the refresh ended${refreshed.jobId ? ` (job ${refreshed.jobId})` : ''}: checking that the Manager has the VM and its disks`,
    );
    // Not cancellable either: what it finds is what the undo must delete (a few reads, each under the idle limit).
    const imported = checkImported(client, repo, { vmId, name: displayName, diskFiles: leftovers.diskFiles }, before, {
      ...where,
      signal: undefined,
    }).then(
      (found) => {
        leftovers.importedVmId = found.id.value;
        return found;
      },
      (e: unknown) => {
        leftovers.importedVmId = (e as { importedVmId?: string }).importedVmId;
        throw e;
      },
    );
    if (ctx.signal?.aborted) await imported.catch(() => undefined);
    throwIfAborted(ctx.signal);
    vm = await imported;
    if (pool) {
      ctx.log(`adding the VM to server pool "${pool.name}"`);
      vm = await addVmToPool(client, vm, pool, { ...follow, context: where.context }, manager);
    }
  } catch (e) {
    ctx.log(
      `the restore ${isCancel(e) ? 'was cancelled' : 'failed'}: removing what it made in repository "${repo.name}"`,
    );
    const left = await undoRestore(client, files, leftovers, ctx.log);
    // A refresh still running may import the VM after this undo: the journal entry stays for Clean Up to find it.
    if (refreshMayGoOn)
      left.push(
        `the Manager's refresh of repository "${repo.name}" had not ended: a VM it imports is left for Clean Up`,
      );
    if (left.length && e instanceof Error) e.message += ` (not removed: ${left.join('; ')})`;
    await endRestoreEntry(journal, jEntry, left).catch(() => undefined); // the restore's own error is the one to tell
    throw e;
  } finally {
    files.end();
    await server.session.close();
  }
  await endRestoreEntry(journal, jEntry, []);
  if (opts.powerOn) {
    ctx.log(`starting "${vm.name}"`);
    await startVm(client, vm, follow);
    vm = await getVm(client, vm.id.value, ctx.signal);
  }
  ctx.log(`restored as "${vm.name}" (${vm.id.value}), ${vm.vmRunState}`);
  return toVm(vm);
}
