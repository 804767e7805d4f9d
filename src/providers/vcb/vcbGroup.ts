// Group backup and restore (guide P.64 vcbSnapAll, P.68 vcbResAll): one tool run for the group, one child job per VM
// under it. A VM's backup is matched to its subfolder by the catalog's config.vmx (confirmed key, P.66) — the
// subfolder names vcbSnapAll chooses are not documented and not relied on.
import { JobContext } from '../../core/job';
import { VCB_CATALOG } from '../../core/repository';
import { parse } from '../../formats';
import { vmNameOfVmx } from '../../formats/vmxName';
import { VcbHostSession } from './vcbHostSession';
import { FoundVm, VcbRestoreMode } from './vcbRecords';
import { VcbRestoreOptions } from './vcbRestore';
import { parseFoundVms, resAllArgs, snapAllArgs, vmNameArgs } from './vcbWire';
import { afterFailedRun, isPlainName, folderBytes } from './vcbFolders';

/** One VM's part of a group run: its child job's outcome, and its backup subfolder when found. */
export interface GroupMember {
  name: string;
  moref?: string;
  dir?: string;
  ok: boolean;
  error?: string;
}

/** A child job for each VM of the group (the CLI prints them, the extension shows them under the parent job). */
export type ChildJobs = (vmName: string) => JobContext & { done(ok: boolean, error?: string): void };

/** vcbVmName -s <spec> (P.62): the VMs the tools see for a specifier. */
export async function findVms(h: VcbHostSession, spec: string, ctx: JobContext): Promise<FoundVm[]> {
  const r = await h.run(vmNameArgs(spec), ctx);
  return parseFoundVms(r.stdout);
}

/** The catalog subfolders of a group folder, each with the VM name its config.vmx gives. */
export async function groupFolders(h: VcbHostSession, root: string): Promise<Array<{ dir: string; vm?: string }>> {
  const rows = (await h.ssh.sftp((f) => f.list(root))) ?? [];
  const out: Array<{ dir: string; vm?: string }> = [];
  for (const r of rows.filter((x) => x.isDirectory && isPlainName(x.name))) {
    const dir = `${root}/${r.name}`;
    const text = await h.ssh.sftp(async (f) =>
      (await f.stat(`${dir}/${VCB_CATALOG}`)) ? f.readText(`${dir}/${VCB_CATALOG}`) : undefined,
    );
    if (text === undefined) continue;
    const vmx = parse('vcb-catalog', text)
      .entries.filter((e) => e.key === 'config.vmx')
      .pop();
    out.push({ dir, vm: vmx ? vmNameOfVmx(vmx.value) : undefined });
  }
  return out.sort((a, b) => a.dir.localeCompare(b.dir));
}

/**
 * vcbSnapAll -a <spec> -r <dest>: `dest` must not exist; this job creates it (the tool needs it to exist, P.64) and
 * removes it when the run fails or is cancelled. The VMs are listed first (vcbVmName, the same specifier) for the
 * child jobs; the parent's progress is the bytes under `dest`.
 */
export async function snapAll(
  h: VcbHostSession,
  spec: string,
  dest: string,
  ctx: JobContext,
  children: ChildJobs,
): Promise<GroupMember[]> {
  const vms = await findVms(h, spec, ctx);
  if (await h.ssh.sftp((f) => f.exists(dest)))
    throw new Error(`${h.where()}: ${dest} already exists: choose a new folder for the group backup`);
  await h.ssh.sftp((f) => f.mkdir(dest, 0o700));
  const jobs = new Map(vms.map((v) => [v.moref, children(v.name)]));
  ctx.log(`vcbSnapAll -a ${spec} -r ${dest}: ${vms.length} VM(s)`);
  try {
    await h.run(snapAllArgs(spec, dest, h.host.transport ?? 'nbd'), ctx, undefined, {
      progress: async () => {
        const rows = (await h.ssh.sftp((f) => f.list(dest))) ?? [];
        let total = 0;
        for (const r of rows.filter((x) => x.isDirectory && isPlainName(x.name)))
          total += (await folderBytes(h, `${dest}/${r.name}`)) ?? 0;
        ctx.progress({ bytesDone: total, message: `vcbSnapAll: ${rows.length}/${vms.length} folders` });
        return total;
      },
    });
  } catch (e) {
    await afterFailedRun(h, ctx, undefined, dest);
    for (const j of jobs.values()) j.done(false, (e as Error).message);
    throw e;
  }
  const folders = await groupFolders(h, dest);
  return vms.map((v) => {
    const f = folders.find((x) => x.vm === v.name);
    const job = jobs.get(v.moref)!;
    const error = f ? undefined : `no backup folder with this VM's catalog under ${dest}`;
    job.done(!!f, error);
    return { name: v.name, moref: v.moref, dir: f?.dir, ok: !!f, error };
  });
}

/**
 * vcbResAll -s <source> [-a catalog] -b <mode>: every catalog subfolder of `source` restored by the tool; one child
 * job per subfolder. The tool's exit status decides for the group; `registered` (from vSphere) for each child.
 */
export async function resAll(
  h: VcbHostSession,
  source: string,
  opts: VcbRestoreOptions,
  ctx: JobContext,
  children: ChildJobs,
  registered?: (vmName: string) => Promise<boolean>,
): Promise<GroupMember[]> {
  const folders = await groupFolders(h, source);
  const jobs = folders.map((f) => ({ f, job: children(f.vm ?? f.dir) }));
  const mode: VcbRestoreMode = opts.mode ?? 'prompt';
  let failure: Error | undefined;
  try {
    await h.run(resAllArgs(source, mode, opts.catalog), ctx, undefined, { answer: opts.answer });
  } catch (e) {
    failure = e as Error;
  }
  const members: GroupMember[] = [];
  for (const { f, job } of jobs) {
    const ok = f.vm && registered ? await registered(f.vm) : !failure;
    const error = ok ? undefined : (failure?.message ?? `"${f.vm}" is not registered after vcbResAll`);
    job.done(ok, error);
    members.push({ name: f.vm ?? f.dir, dir: f.dir, ok, error });
  }
  if (failure) throw failure;
  return members;
}
