// Backup ids as the CLI prints them for a user to type back: a catalog id is the backup's folder relative to the
// repository (`<VM or "pool <name>">/<time>-<kind>`), and VM names, pool names, VCB export folders and foreign files may
// hold spaces and shell metacharacters. Printed, every character outside a small safe set is percent-encoded
// (`pool lab-pool/…` → `pool%20lab-pool/…`), so an id pastes into any shell unquoted; the folder form is still accepted.
import * as path from 'node:path';
import { CatalogEntry } from '../core/repository';

/** Kept as they are: letters, marks and digits of any script, and `. _ - / + @ = : ,` (no shell gives them a meaning). */
const SAFE = /^[\p{L}\p{M}\p{N}._/+@=:,-]$/u;

/** `id` with each character outside SAFE (space, quotes, `$`, `%`, control and invisible characters…) as %XX (UTF-8). */
export function typedBackupId(id: string): string {
  let out = '';
  for (const c of id)
    out += SAFE.test(c)
      ? c
      : [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return out;
}

/**
 * The entry `given` names: the id as printed (typedBackupId), the folder's relative path as it is on disk (the older
 * form, e.g. "pool lab-pool/20260101-000000-pool-metadata" quoted), or the folder's path (resolved from the cwd).
 */
export function findBackupEntry(entries: readonly CatalogEntry[], given: string): CatalogEntry | undefined {
  return entries.find((e) => typedBackupId(e.id) === given || e.id === given || e.dir === path.resolve(given));
}
