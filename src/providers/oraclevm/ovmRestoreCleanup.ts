// Clean Up of an Oracle VM restore that no longer runs (killed: its journal entry was never completed): the VM the
// Manager's refresh imported from its files, that VM's virtual disks that are the restore's files, then exactly the
// remote files and folder the entry recorded, over SFTP on a server presenting the repository — by the restore's own
// undo (undoRestore) and the import rule of the restore's check (checkImported). Nothing the entry does not name.
import { CleanupItem } from '../../core/cleanupReport';
import { VendorError } from '../../core/errors';
import { Journal, JournalEntry } from '../../core/journal';
import { OracleVmServerAccess } from '../../core/model';
import { OvmClient } from './ovmClient';
import { listRepositories } from './ovmInventory';
import { OvmRepository } from './ovmRecords';
import { checkSegment, openRepositoryServer } from './ovmRepositoryFiles';
import { UndoItem, checkImported, undoRestore } from './ovmRestoreImport';

/** What Clean Up needs of the connection: its Manager client, name, and the repository-server access a restore uses. */
export interface RestoreCleanupEnv {
  client: OvmClient;
  connection: string;
  access?: OracleVmServerAccess;
  sshPassword?: string;
}

/**
 * The recorded paths that are the restore's own in this repository's folder (`folder` = `<root>/<repository id>` as
 * the connection sets it now): each disk image `folder/VirtualDisks/<file>` of `diskFiles`, the VM folder
 * `folder/VirtualMachines/<id>` and its `vm.cfg`. The rest are returned as `foreign` (the entry is not trusted).
 */
function ownPaths(
  folder: string,
  r: NonNullable<JournalEntry['restore']>,
): { paths: string[]; foreign: string[]; diskFiles: string[] } {
  const plain = (s: string) => {
    try {
      checkSegment(s, 'file');
      return true;
    } catch {
      return false;
    }
  };
  const diskFiles = r.diskFiles.filter(plain);
  const vmId = r.folder.startsWith(`${folder}/VirtualMachines/`)
    ? r.folder.slice(`${folder}/VirtualMachines/`.length)
    : '';
  const vmDir = plain(vmId) ? r.folder : undefined;
  const allowed = new Set([
    ...diskFiles.map((f) => `${folder}/VirtualDisks/${f}`),
    ...(vmDir ? [vmDir, `${vmDir}/vm.cfg`] : []),
  ]);
  return {
    paths: r.paths.filter((p) => allowed.has(p)),
    foreign: r.paths.filter((p) => !allowed.has(p)),
    diskFiles,
  };
}

/**
 * The VM the Manager imported from the restore's files, by checkImported's rule (the vmId written, else a VM new since
 * the restore's `before`, in the repository, with the name written), or undefined when it has none. Only asked once the
 * entry says the refresh was asked (state past `intent`).
 */
async function importedVm(
  env: RestoreCleanupEnv,
  repo: OvmRepository,
  entry: JournalEntry,
  diskFiles: string[],
): Promise<string | undefined> {
  if (entry.state === 'intent') return undefined;
  try {
    const vm = await checkImported(
      env.client,
      repo,
      { vmId: entry.vm.id, name: entry.vm.name, diskFiles },
      new Set(entry.before),
      { manager: `of connection "${env.connection}"`, context: { connection: env.connection, vm: entry.vm.name } },
    );
    return vm.id.value;
  } catch (e) {
    if (e instanceof VendorError && e.code === 'VM_NOT_IMPORTED') return undefined;
    const id = (e as { importedVmId?: string }).importedVmId;
    if (id) return id;
    throw e;
  }
}

/**
 * Settles one abandoned restore entry (JournalEntry.restore): finds the repository and a server presenting it (as the
 * restore did: openRepositoryServer), the VM the refresh imported (importedVm), and has undoRestore delete it, its
 * disks that are the restore's files and mapped into no other VM, then the recorded files (their `.part`) and the VM
 * folder — in a dry run it only says what it would delete. One item per thing; what could not go is `skipped` with the
 * reason and the entry stays (`leftover`) for the next cleanup; otherwise the entry is completed. A recorded path
 * outside the repository's folder, or not one of the restore's names, is `kept`, never touched.
 * @throws on the Manager or SSH being unreachable (sweepJournal reports the entry as skipped).
 */
export async function settleRestoreEntry(
  env: RestoreCleanupEnv,
  journal: Journal,
  entry: JournalEntry,
  dryRun: boolean,
): Promise<CleanupItem[]> {
  const r = entry.restore!;
  const why = `journal entry ${entry.id} (restore of ${entry.intentAt} as VM "${entry.vm.name}", a process that is gone)`;
  const items: CleanupItem[] = [];
  const repo = (await listRepositories(env.client)).find((x) => x.id.value === r.storage);
  if (!repo) {
    items.push({
      action: 'skipped',
      what: `the restore's files (${r.paths.join(', ')})`,
      why: `${why}; the Manager has no repository ${r.storage} now: left for the next cleanup`,
    });
    if (!dryRun) await journal.update(entry, { state: 'leftover' });
    return items;
  }
  const server = await openRepositoryServer(
    env.client,
    env.access,
    repo,
    { sshPassword: env.sshPassword },
    { connection: env.connection, vm: entry.vm.name },
  );
  let left: string[];
  try {
    const own = ownPaths(server.folder, r);
    for (const p of own.foreign)
      items.push({
        action: 'kept',
        what: `file ${p}`,
        why: `${why} names it, but it is not one of the restore's files in repository "${repo.name}" (${server.folder}): not touched`,
      });
    const importedVmId = await importedVm(env, repo, entry, own.diskFiles);
    const files = await server.session.files();
    try {
      const proof: Record<UndoItem['kind'], string> = {
        vm: `${why}; the Manager imported it from the files the restore wrote`,
        disk: `${why}; a disk image the restore wrote, mapped into no other VM`,
        file: `${why}; the restore wrote it on server ${server.server.name}`,
      };
      left = await undoRestore(
        env.client,
        files,
        { repo, importedVmId, diskFiles: own.diskFiles, written: own.paths, vmDir: r.folder },
        () => undefined,
        {
          dryRun,
          onItem: (i) =>
            items.push({
              action: i.left ? 'skipped' : dryRun ? 'would delete' : 'deleted',
              what: i.kind === 'file' ? `${i.what === r.folder ? 'folder' : 'file'} ${i.what}` : i.what,
              why: i.left ? `${proof[i.kind]}; ${i.left}: left for the next cleanup` : proof[i.kind],
            }),
        },
      );
    } finally {
      files.end();
    }
  } finally {
    await server.session.close();
  }
  if (!dryRun) {
    if (left.length) await journal.update(entry, { state: 'leftover' });
    else await journal.complete(entry);
  }
  return items;
}
