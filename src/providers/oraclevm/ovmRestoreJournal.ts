// An Oracle VM restore's journal entry: written into the backup's repository before the restore writes anything on the
// Oracle VM repository, so that Clean Up can remove what a killed restore left (ovmRestoreCleanup.ts).
import { repositoryOf } from '../../core/catalogRepository';
import { Journal, JournalEntry } from '../../core/journal';
import { CatalogEntry } from '../../core/repository';

/** What a restore is about to write, as its journal entry records it (JournalEntry.restore and the VM written). */
export interface RestoreIntent {
  connection: string;
  /** The VM id written into vm.cfg (also its folder's name) and its `OVM_simple_name`. */
  vmId: string;
  name: string;
  /** The Manager's VM ids before the restore: a VM among them is never the restore's. */
  before: Set<string>;
  repositoryId: string;
  /** The Oracle VM Server written through (its name). */
  server: string;
  /** The remote paths, in the order written (disk images, the VM folder, its vm.cfg). */
  paths: string[];
  /** The VM folder `…/VirtualMachines/<vmId>`. */
  folder: string;
  /** The disk images' file names in `VirtualDisks/`. */
  diskFiles: string[];
}

/** The journal of the repository the backup was listed from (where `vmbackup cleanup` of that connection reads). */
export function restoreJournal(entry: CatalogEntry): Journal {
  return new Journal(repositoryOf(entry));
}

/** Records the intent (state `intent`: nothing asked of the Manager yet); the entry is live until endRestoreEntry. */
export function beginRestoreEntry(journal: Journal, i: RestoreIntent): Promise<JournalEntry> {
  return journal.begin(
    {
      connection: i.connection,
      platform: 'oraclevm',
      vm: { id: i.vmId, uuid: i.vmId, name: i.name },
      before: [...i.before],
      restore: {
        storage: i.repositoryId,
        server: i.server,
        paths: i.paths,
        folder: i.folder,
        diskFiles: i.diskFiles,
      },
    },
    () => i.name,
  );
}

/** Records that the Manager is asked to refresh the repository (state `created`): from now on it may have imported the VM. */
export async function refreshAsked(journal: Journal, entry: JournalEntry): Promise<void> {
  await journal.update(entry, { state: 'created' });
}

/**
 * The restore's end in this process: completed (the entry removed) when it succeeded or its undo removed everything,
 * else `leftover` for Clean Up (`left`: what the undo could not remove); released in every case.
 */
export async function endRestoreEntry(journal: Journal, entry: JournalEntry, left: string[]): Promise<void> {
  try {
    if (left.length) await journal.update(entry, { state: 'leftover' });
    else await journal.complete(entry);
  } finally {
    journal.release(entry);
  }
}
