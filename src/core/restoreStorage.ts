// The storage step of a restore, the same on every platform: the storage a user names (id, uuid or a unique name),
// whether the backup fits, and one line per storage (name, type, host of a local one, free space, default).
import { StorageInfo } from './model';
import { CatalogEntry } from './repository';
import { notFoundText, plural } from './notFound';
import { formatBytes } from './progress';

/** The backup's size: the bytes of its files (what the target storage must at least hold), bytes. */
export const backupBytes = (entry: CatalogEntry): number => entry.files.reduce((n, f) => n + (f.bytes ?? 0), 0);

/**
 * The storage a user named: its id, its uuid, or a name only one storage has. `word` is the platform's word (SR,
 * datastore, repository: Capabilities.restore.storage). @throws Error naming it and listing the candidates.
 */
export function findStorage(list: StorageInfo[], id: string, where: string, word = 'storage'): StorageInfo {
  const exact = list.find((s) => s.id === id || s.uuid === id);
  if (exact) return exact;
  const named = list.filter((s) => s.name === id);
  if (named.length === 1) return named[0];
  const lines = (l: StorageInfo[]) => l.map((s) => storageLine(s)).join('; ');
  if (named.length > 1)
    throw new Error(
      `${where}: ${named.length} ${plural(word)} are called "${id}": use the ${named[0].uuid ? 'uuid' : 'id'} (${lines(named)})`,
    );
  throw new Error(notFoundText(word, id, where, list.map(storageLine), { lines: true, how: '(by name, uuid or id)' }));
}

/** One line for a storage: name, type, shared or the host of a local one, free space, default, id. */
export function storageLine(s: StorageInfo): string {
  return [
    `"${s.name}"`,
    s.type,
    s.shared ? 'shared' : s.hostId || s.hostName ? `local to ${s.hostName ?? s.hostId}` : 'not shared',
    s.freeBytes !== undefined ? `${formatBytes(s.freeBytes)} free` : '',
    s.isDefault ? 'default' : '',
    s.uuid ?? s.id,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** false when the storage says how much is free and the backup's `needBytes` do not fit; else true. */
export const fits = (s: StorageInfo, needBytes: number): boolean =>
  s.freeBytes === undefined || s.freeBytes >= needBytes;

/**
 * Refuses a storage without room for the backup (`needBytes`: what its files hold; a compressed backup needs more,
 * which the caller says as a warning), before anything is uploaded.
 */
export function checkSpace(s: StorageInfo, needBytes: number, where: string, word = 'storage'): void {
  if (!fits(s, needBytes))
    throw new Error(
      `${where}: ${word} "${s.name}" has ${formatBytes(s.freeBytes ?? 0)} free, the backup needs ${formatBytes(needBytes)}: choose another ${word} (vmbackup storage lists them)`,
    );
}
