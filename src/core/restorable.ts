// Whether a backup is one a platform's VM restore can take: said before anything is contacted, in the user's words
// (what the backup is, and where it can be restored), not as a missing file or a manifest field.
import { VendorError } from './errors';
import { ConnectionProfile, PLATFORM_NAMES } from './model';
import { CatalogEntry } from './repository';

type Platform = ConnectionProfile['platform'];

/** `a` or `an` before a name ("an Oracle VM connection", "a VMware vSphere connection"). */
const an = (name: string): string => (/^[AEIOU]/i.test(name) ? 'an' : 'a');

/** What each kind of backup is, and how it is restored when it is not a VM's. */
const OTHER_KIND: Record<string, string> = {
  'vm-metadata': "a VM's metadata export (no disks), which is not restored as a VM",
  'pool-metadata': 'a pool database backup: restore it with Restore Metadata… in VS Code',
  host: 'a host backup: restore it on the host with xe host-restore',
  'ovm-manager': 'an Oracle VM Manager backup: restore the Manager with vmbackup manager-restore or manager-rebuild',
};

/**
 * Refuses a backup that `platform`'s VM restore cannot take: a backup of another kind (`NOT_A_VM_BACKUP`, saying what
 * it is and how it is restored), of another platform (`OTHER_PLATFORM_BACKUP`, naming both), or without a manifest
 * unless `foreignFiles` (Xen takes a bare .xva another tool made). The error names `connection`.
 */
export function requireVmBackupFor(
  entry: CatalogEntry,
  platform: Platform,
  connection: string,
  foreignFiles = false,
): void {
  const m = entry.manifest;
  const where = { connection };
  if (!m) {
    if (foreignFiles) return;
    throw new VendorError(
      'NOT_A_VM_BACKUP',
      [`${entry.label} has no manifest.json: not a VM backup this tool made on ${PLATFORM_NAMES[platform]}`],
      where,
    );
  }
  if (m.kind !== 'vm')
    throw new VendorError(
      'NOT_A_VM_BACKUP',
      [`${entry.label} is ${OTHER_KIND[m.kind] ?? `a backup of kind "${m.kind}"`}, not a VM backup`],
      where,
    );
  if (m.platform !== platform) {
    const theirs = PLATFORM_NAMES[m.platform as Platform] ?? `platform "${m.platform}"`;
    throw new VendorError(
      'OTHER_PLATFORM_BACKUP',
      [
        `${entry.label} is the backup of a VM on ${theirs}: restore it to ${an(theirs)} ${theirs} connection (this one is ${PLATFORM_NAMES[platform]})`,
      ],
      where,
    );
  }
}
