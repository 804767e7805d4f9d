// The name a restored VM gets when the user gives none.
import { CatalogEntry } from './repository';

/** The backed-up VM's name and the backup's date, local time: `db-01 (2026-11-29 14:03)`; undefined without a name. */
export function defaultRestoreName(entry: CatalogEntry): string | undefined {
  const base = entry.manifest?.source.vm?.name ?? entry.vmName;
  if (!base) return undefined;
  const d = entry.created;
  if (!d) return base;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${base} (${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())})`;
}
