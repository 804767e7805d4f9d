// Backup of a stopped Oracle VM VM as a virtual appliance (OVA), guide §12.2's last option, built on the Manager CLI
// (ovmApplianceCli.ts: A.106 `exportVirtualAppliance`, A.59 `delete VirtualAppliance`). Where the Manager writes the
// package is not documented beyond the repository's `Assemblies` folder (Concepts Guide §4.2 Table 4.1,
// docs.oracle.com/cd/_E64076_01/E64081/html/vmcon-repositories-structure.html: it "contains files for virtual
// appliances, including OVA packages and unpacked OVF and VMDK files"), so the tool lists that folder over SSH on an
// Oracle VM Server presenting the repository before the export and after its job, and copies the one new `.ova`
// (ovaFiles.ts), verified as it streams (ovaStreamCheck.ts), into `<repository>/<vm>/<timestamp>-vm/`.
import { JobContext } from '../../core/job';
import { Journal, JournalEntry } from '../../core/journal';
import { BackupRepository, CatalogEntry } from '../../core/repository';
import { within } from '../../core/safeName';
import { removeIfUnfinished } from '../../core/unfinishedBackup';
import { ManagerCliAccess } from './manager/managerCli';
import { OvaStreamCheck } from './ovaStreamCheck';
import { applianceName, exportVirtualApplianceCli } from './ovmApplianceCli';
import { logSettled, recordOvmBackup } from './ovmBackupRecord';
import { FollowOptions, OvmClient } from './ovmClient';
import { settleApplianceEntry } from './ovmApplianceCleanup';
import { listJobs } from './ovmInventory';
import { OvmJob, OvmRepository, OvmVm } from './ovmRecords';
import { listAssemblies, pickApplianceFile, productFileName } from './ovaFiles';
import { openRepositoryServer } from './ovmRepositoryFiles';
import { readOriginalVmCfg } from './ovmOriginalCfg';
import { OracleVmServerAccess } from '../../core/model';

/** What the OVA export needs: the Manager (REST for jobs, CLI for the export) and the repository's server access. */
export interface OvaExportEnv {
  client: OvmClient;
  cli: ManagerCliAccess;
  connection: string;
  access?: OracleVmServerAccess;
  sshPassword?: string;
  idleMs?: number;
}

/**
 * Exports `vm` (STOPPED, or the Manager refuses: its message verbatim) as the appliance `vmbackup-<marker>` into
 * `target` and copies its `.ova` into the product's repository `repository`. The appliance name is journalled before
 * the export is asked for, the Manager job id as soon as the job is seen (`GET Job`, a new job whose name holds the
 * appliance name, as the public script greps `list job` for it); the job is followed with its progress messages and
 * aborted on cancel (`PUT Job/{id}/abort`). Whatever happens, the appliance is then deleted (settleApplianceEntry) and
 * a failed, cancelled or corrupt copy leaves no backup folder and no `*.part`. `exported` is called once the export
 * job has ended well (the VM need not stay stopped for the copy).
 * Errors: OVA_NOT_FOUND / OVA_AMBIGUOUS (ovaFiles.ts), OVA_INVALID (ovaStreamCheck.ts), the Manager's own.
 */
export async function backupOvaExport(
  env: OvaExportEnv,
  vm: OvmVm,
  target: OvmRepository,
  repository: string,
  follow: FollowOptions,
  ctx: JobContext,
  exported?: () => Promise<void>,
): Promise<CatalogEntry> {
  const { client, cli } = env;
  const context = { connection: env.connection, vm: vm.name };
  const journal = new Journal(repository);
  const entry = await journal.begin(
    {
      connection: env.connection,
      platform: 'oraclevm',
      vm: { id: vm.id.value, uuid: vm.id.value, name: vm.name },
      before: [],
    },
    applianceName,
  );
  const name = entry.name!;
  let failure: unknown;
  try {
    const server = await openRepositoryServer(
      client,
      env.access,
      target,
      { sshPassword: env.sshPassword },
      context,
      ctx.signal,
    );
    try {
      const assemblies = server.remote('Assemblies');
      const before = await listAssemblies(server.session, assemblies, ctx.signal);
      ctx.log(
        `exporting ${vm.name} as virtual appliance "${name}" into repository "${target.name}" (Manager CLI exportVirtualAppliance)`,
      );
      await runExport(env, vm, target, name, journal, entry, follow);
      await exported?.();
      const after = await listAssemblies(server.session, assemblies, ctx.signal);
      const ova = pickApplianceFile(before, after, { repository: target.name, appliance: name }, context);
      const fileName = productFileName(ova.rel, name);
      const repo = new BackupRepository(repository);
      const dir = await repo.reserveBackupDir(vm.name, 'vm', async (d) => {
        await journal.update(entry, { folder: d, folderMade: false, files: [fileName] });
      });
      await journal.update(entry, { folderMade: true });
      return await removeIfUnfinished(dir, async () => {
        ctx.log(`copying Assemblies/${ova.rel} (${ova.bytes} bytes) from server ${server.server.name}`);
        const check = new OvaStreamCheck(`Assemblies/${ova.rel}`, context);
        const w = await server.session.download(`${assemblies}/${ova.rel}`, within(dir, fileName), {
          signal: ctx.signal,
          idleMs: env.idleMs,
          check,
          onProgress: (p) => ctx.progress({ ...p, message: fileName }),
        });
        const s = check.summary();
        ctx.log(
          `${fileName}: ${s.members.length} members (${s.members[0]} first); ${
            s.manifest
              ? `${s.manifest.verified} digests of ${s.manifest.name} verified`
              : 'no .mf manifest in the package: only the copy’s own sha256 is recorded'
          }`,
        );
        return recordOvmBackup(
          client,
          env.connection,
          vm,
          repo,
          dir,
          [{ name: fileName, bytes: w.bytes, sha256: w.sha256 }],
          ctx.signal,
          // the VM's vif MACs and networks, from its own vm.cfg (the package's .ovf is the Manager's, unread here)
          await readOriginalVmCfg(client, env.access, vm, { sshPassword: env.sshPassword }, context, ctx.signal),
        );
      });
    } finally {
      await server.session.close();
    }
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    // Not tied to ctx.signal: a cancelled backup must still abort its job and delete its appliance.
    const items = await settleApplianceEntry(client, cli, journal, entry, journal.list().entries, false).catch(
      (e: Error) => [{ action: 'skipped' as const, what: `virtual appliance "${name}"`, why: e.message }],
    );
    logSettled(ctx, items, !!failure);
    journal.release(entry);
  }
}

/**
 * Runs the CLI's export and, meanwhile, looks for its Manager job (a job not there before whose name holds the
 * appliance's name) to record it in the journal and follow it (progress, abort on cancel). Resolves when both the CLI
 * answered `Status: Success` and the job (if seen) succeeded; the job's error is preferred (it is the Manager's).
 */
async function runExport(
  env: OvaExportEnv,
  vm: OvmVm,
  target: OvmRepository,
  name: string,
  journal: Journal,
  entry: JournalEntry,
  follow: FollowOptions,
): Promise<void> {
  const { client } = env;
  const before = new Set((await listJobs(client, follow.signal)).map((j) => j.id.value));
  let answered = false;
  const cliDone = exportVirtualApplianceCli(
    env.cli,
    { repositoryId: target.id.value, name, vmId: vm.id.value },
    follow.context ?? {},
    follow.signal,
  ).finally(() => {
    answered = true;
  });
  const followed = (async (): Promise<OvmJob | undefined> => {
    for (;;) {
      const last = answered;
      const job = (await listJobs(client, follow.signal)).find((j) => !before.has(j.id.value) && j.name.includes(name));
      if (job) {
        await journal.update(entry, { job: job.id.value });
        return client.followJob(job, follow);
      }
      if (last) return undefined;
      await new Promise((r) => setTimeout(r, client.pollMs));
    }
  })();
  const [c, j] = await Promise.allSettled([cliDone, followed]);
  if (j.status === 'rejected') throw j.reason;
  if (c.status === 'rejected') throw c.reason;
  if (!j.value && c.value.jobId) await journal.update(entry, { job: c.value.jobId });
}
