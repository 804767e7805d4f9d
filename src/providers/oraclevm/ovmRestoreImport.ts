// The Manager's side of an Oracle VM restore, each step sourced and its outcome checked rather than trusted: the
// repository refresh that imports the uploaded VM files (Manager CLI `refresh Repository id=…`), the check that the VM
// and every disk the restore wrote are now in the Manager, the move into a server pool (`PUT ServerPool/{id}/addVm`)
// and the check that the VM is in that pool; and the undo of exactly what the restore made when a step fails.
import { ErrorContext, VendorError } from '../../core/errors';
import { SftpFiles } from '../../transport/sftpFiles';
import { ManagerCliAccess, runCliCommand } from './manager/managerCli';
import { FollowOptions, OvmClient, idSegment } from './ovmClient';
import { getVm, listVirtualDisks, vmVirtualDisks } from './ovmInventory';
import { OvmRepository, OvmServerPool, OvmVm, listOf, simpleId } from './ovmRecords';
import { deleteVirtualDisk, deleteVm } from './ovmVmActions';

/** An id as the CLI's `id=` value: letters and digits only (the exec line is not quoted; Manager ids are 32 hex). */
const CLI_ID = /^[A-Za-z0-9]{1,64}$/;

/** The ids of every VM the Manager has (`GET Vm/id`, vmapi-rest-uri-mapping `/{Type}/id`). */
export async function vmIds(client: OvmClient, signal?: AbortSignal): Promise<Set<string>> {
  return new Set(listOf(await client.get('Vm/id', signal), 'Vm id list', simpleId).map((s) => s.value));
}

/**
 * `refresh Repository id=<id>` on the Manager CLI (Oracle VM CLI reference A.124 `refresh`, "reads the configuration
 * information about the object and updates the Oracle VM Manager database"; Oracle's MoveVm.sh runs `refresh
 * repository name=<repo>`). The Concepts Guide §3.x *Refreshing Storage* (vmcon-storage-refresh) and the 3.4 User's
 * Guide §8.2 say a refresh is how files copied into a repository behind the Manager's back become known to it. The CLI
 * answers when its job has ended. Throws VendorError with the Manager's code from `Error Msg:` (verbatim, escaped)
 * unless the reply says `Status: Success`.
 */
export async function refreshRepositoryCli(
  cli: ManagerCliAccess,
  repo: OvmRepository,
  context: ErrorContext,
  signal?: AbortSignal,
): Promise<{ jobId?: string }> {
  if (!CLI_ID.test(repo.id.value))
    throw new VendorError(
      'UNSAFE_ID',
      [`repository id ${JSON.stringify(repo.id.value.slice(0, 80))} is not letters and digits`],
      context,
    );
  const line = `refresh Repository id=${repo.id.value}`;
  const reply = await runCliCommand(cli, line, context, { signal });
  return { jobId: reply.jobId };
}

/** What the restore wrote and expects the Manager to have imported. */
export interface WrittenVm {
  /** The id in the vm.cfg and its folder name `VirtualMachines/<id>`. */
  vmId: string;
  /** The `OVM_simple_name` written. */
  name: string;
  /** The disk images' file names in `VirtualDisks/`. */
  diskFiles: string[];
}

/** A virtual disk is the restore's file when its id or the last segment of its `path` is that file name. */
const isFile = (d: { id: { value: string }; path: string }, file: string) =>
  d.id.value === file || d.path.split('/').pop() === file;

/**
 * The VM the refresh imported: the one with the id the restore wrote, else a VM that was not there before the
 * refresh, in the repository, with the name written (the Manager may give an imported VM an id of its own: that it
 * keeps the tool's is not documented). Then every disk file written must be one of its virtual disks. Throws
 * VM_NOT_IMPORTED / VM_DISKS_NOT_IMPORTED naming the Manager, the repository and the VM otherwise.
 */
export async function checkImported(
  client: OvmClient,
  repo: OvmRepository,
  written: WrittenVm,
  before: Set<string>,
  where: { manager: string; context: ErrorContext; signal?: AbortSignal },
): Promise<OvmVm> {
  const ids = await vmIds(client, where.signal);
  let vm: OvmVm | undefined;
  if (ids.has(written.vmId)) vm = await getVm(client, written.vmId, where.signal);
  else
    for (const id of ids) {
      if (before.has(id)) continue;
      const v = await getVm(client, id, where.signal);
      if (v.repositoryId?.value === repo.id.value && v.name === written.name) vm = v;
    }
  if (!vm)
    throw new VendorError(
      'VM_NOT_IMPORTED',
      [
        `Oracle VM Manager ${where.manager}: the refresh of repository "${repo.name}" did not import VM "${written.name}" from VirtualMachines/${written.vmId}/vm.cfg (no VM with that id, nor a new one of that name in the repository)`,
      ],
      where.context,
    );
  const disks = await vmVirtualDisks(client, vm.id.value, where.signal);
  const missing = written.diskFiles.filter((f) => !disks.some((d) => isFile(d, f)));
  if (missing.length)
    throw Object.assign(
      new VendorError(
        'VM_DISKS_NOT_IMPORTED',
        [
          `Oracle VM Manager ${where.manager}: the refresh of repository "${repo.name}" imported VM "${vm.name}" (${vm.id.value}) without its disk${missing.length > 1 ? 's' : ''} ${missing.map((m) => `VirtualDisks/${m}`).join(', ')}`,
        ],
        where.context,
      ),
      { importedVmId: vm.id.value },
    );
  return vm;
}

/**
 * Puts an unassigned VM into a server pool: `PUT ServerPool/{id}/addVm` with the Vm's SimpleId as the body, its job
 * followed (Court Campbell's Ansible module `ovm_serverpool`, cocampbe/ansible-ovm library/ovm_serverpool.py, OVM
 * 3.3/3.4, does exactly this for a VM whose `serverPoolId` is null). Nothing is asked when the VM is already in the
 * pool. Then `GET Vm/{id}` must show the pool: else VM_NOT_IN_POOL naming the Manager, the pool and the VM.
 */
export async function addVmToPool(
  client: OvmClient,
  vm: OvmVm,
  pool: OvmServerPool,
  follow: FollowOptions,
  manager: string,
): Promise<OvmVm> {
  if (vm.serverPoolId?.value !== pool.id.value)
    await client.followJob(
      await client.write('PUT', `ServerPool/${idSegment(pool.id.value)}/addVm`, undefined, vm.id, follow.signal),
      follow,
    );
  const now = await getVm(client, vm.id.value, follow.signal);
  if (now.serverPoolId?.value !== pool.id.value)
    throw new VendorError(
      'VM_NOT_IN_POOL',
      [
        `Oracle VM Manager ${manager}: after its addVm job VM "${now.name}" (${now.id.value}) is ${now.serverPoolId ? `in server pool ${now.serverPoolId.name ?? now.serverPoolId.value}` : 'in no server pool'}, not in "${pool.name}"`,
      ],
      follow.context ?? {},
    );
  return now;
}

/** What undoRestore removes: the VM the Manager imported (if any), the disk files, the vm.cfg and its folder. */
export interface RestoreLeftovers {
  repo: OvmRepository;
  /** The VM the Manager made of the files, when it made one. */
  importedVmId?: string;
  diskFiles: string[];
  /** Remote paths the restore created, in the order written (files, the VM folder, its vm.cfg). */
  written: string[];
  /** The remote VM folder (removed with rmdir only, after its vm.cfg). */
  vmDir: string;
}

/**
 * One thing undoRestore met: `kind` what it is, `what` its name (a VM, a virtual disk, a remote path); without `left`
 * it was removed (in a dry run: would be); with `left` it stays, and why.
 */
export interface UndoItem {
  kind: 'vm' | 'disk' | 'file';
  what: string;
  left?: string;
}

/** How undoRestore runs: `dryRun` removes nothing and says what it would remove; `onItem` is told each thing met. */
export interface UndoOptions {
  dryRun?: boolean;
  onItem?: (item: UndoItem) => void;
}

/**
 * Removes exactly what the restore made, never anything else: the imported VM through the Manager (`DELETE Vm/{id}`,
 * python-ovmclient), each of the restore's disk files the Manager knows as a virtual disk mapped into no VM but that one
 * through the Manager (`DELETE Repository/{id}/VirtualDisk/{id}`), then whatever the restore wrote that is still there
 * over SFTP (and its `.part`), newest first, the folder last with rmdir. A path is removed only when it is still what
 * the restore made (lstat: a regular file, the folder a folder; a symlink is never followed nor removed), a file inside
 * the folder only while that folder is a real folder, a disk file only when no other VM maps its virtual disk, and the
 * folder only when nothing but the restore's files is in it. No abort signal (it runs after a cancel too); each step
 * has the idle limit of a job. Returns one line per thing that could not be removed (empty: all gone).
 */
export async function undoRestore(
  client: OvmClient,
  files: SftpFiles | undefined,
  l: RestoreLeftovers,
  log: (line: string) => void,
  o: UndoOptions = {},
): Promise<string[]> {
  const problems: string[] = [];
  const f: FollowOptions = { idleMs: 600_000 };
  const gone = (kind: UndoItem['kind'], what: string, line: string) => {
    if (!o.dryRun) log(line);
    o.onItem?.({ kind, what });
  };
  /** Paths that stay (a dry run counts them when it tells whether the folder would be empty). */
  const stays = new Set<string>();
  const left = (kind: UndoItem['kind'], what: string, why: string) => {
    problems.push(`${what}: ${why}`);
    stays.add(what);
    o.onItem?.({ kind, what, left: why });
  };
  /** The imported VM's disk mappings (a dry run does not delete it: a disk mapped only by it goes with it). */
  let own = new Set<string>();
  if (l.importedVmId) {
    try {
      const vm = await getVm(client, l.importedVmId);
      if (o.dryRun) own = new Set(vm.vmDiskMappingIds.map((m) => m.value));
      else await deleteVm(client, vm, f);
      gone(
        'vm',
        `VM "${vm.name}" (${vm.id.value})`,
        `deleted VM "${vm.name}" (${vm.id.value}) that the Manager had imported`,
      );
    } catch (e) {
      left('vm', `VM ${l.importedVmId}`, (e as Error).message);
    }
  }
  /** The restore's disk files whose virtual disk another VM maps: in use, never removed. */
  const inUse = new Set<string>();
  try {
    for (const d of await listVirtualDisks(client, l.repo.id.value)) {
      const file = l.diskFiles.find((x) => isFile(d, x));
      if (!file) continue;
      if (d.vmDiskMappingIds.some((m) => !own.has(m.value))) {
        inUse.add(file);
        continue;
      }
      if (!o.dryRun) await deleteVirtualDisk(client, l.repo.id.value, d.id.value, f);
      gone(
        'disk',
        `virtual disk "${d.name}" (${d.id.value})`,
        `deleted virtual disk ${d.id.value} that the Manager had imported`,
      );
    }
  } catch (e) {
    left('disk', "the repository's virtual disks", (e as Error).message);
  }
  if (!files) {
    problems.push(`the files written (${l.written.join(', ')}): no SFTP session to remove them`);
    return problems;
  }
  const inFolder = (p: string) => p.startsWith(`${l.vmDir}/`);
  let folderKind: Awaited<ReturnType<SftpFiles['kind']>>;
  let folderUnknown = false;
  try {
    folderKind = await files.kind(l.vmDir);
  } catch (e) {
    left('file', l.vmDir, (e as Error).message);
    folderUnknown = true;
  }
  for (const p of [...l.written].reverse()) {
    const file = p.split('/').pop()!;
    if (!inFolder(p) && inUse.has(file)) {
      left('file', p, `virtual disk ${file} is mapped into a VM that is not the restore's (in use)`);
      continue;
    }
    if (p === l.vmDir && folderUnknown) continue; // said once, above
    for (const q of p === l.vmDir ? [p] : [`${p}.part`, p]) {
      try {
        if (inFolder(q) && folderKind !== 'folder') {
          if (folderKind && !folderUnknown)
            left('file', q, `${l.vmDir} is a ${folderKind}, not the folder the restore made (not followed)`);
          continue;
        }
        const kind = await files.kind(q);
        const made = q === l.vmDir ? 'folder' : 'file';
        if (!kind) continue;
        if (kind !== made) {
          left('file', q, `a ${kind} now, not the ${made} the restore wrote`);
          continue;
        }
        if (q === l.vmDir) {
          const mine = new Set(l.written.filter(inFolder).flatMap((x) => [x, `${x}.part`]));
          const others = ((await files.list(q)) ?? []).filter(
            (e) => !o.dryRun || !mine.has(`${q}/${e.name}`) || stays.has(`${q}/${e.name}`),
          );
          if (others.length) {
            left(
              'file',
              q,
              `it holds what the restore did not write (${others.map((e) => JSON.stringify(e.name)).join(', ')})`,
            );
            continue;
          }
          if (!o.dryRun) await files.removeFolder(q);
        } else if (!o.dryRun) await files.removeFile(q);
        gone('file', q, `removed ${q}`);
      } catch (e) {
        left('file', q, (e as Error).message);
      }
    }
  }
  return problems;
}
