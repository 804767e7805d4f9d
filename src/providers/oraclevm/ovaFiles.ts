// Which files an appliance export wrote into a repository's `Assemblies` folder. Where inside it, and under which file
// name, the Manager writes an exported appliance is not documented (Concepts Guide §4.2 Table 4.1 says only that the
// folder "contains files for virtual appliances, including OVA packages and unpacked OVF and VMDK files"), so nothing
// here assumes a path: the folder is listed before and after the export and the new regular files must be one package.
import * as path from 'node:path';
import { ErrorContext, VendorError } from '../../core/errors';
import { SshSession } from '../../transport/ssh';
import { RemoteEntry, listRemoteTree } from './manager/remoteTree';

/** A listing of `Assemblies` (relative paths), and what it holds that is not copied (links, names not plain). */
export interface AssembliesTree {
  entries: RemoteEntry[];
  skipped: string[];
}

/**
 * Lists `dir` recursively over SSH (remoteTree.listRemoteTree: GNU find, NUL-separated; symbolic links and names that
 * are not plain are in `skipped`, never followed). A missing folder is an empty listing.
 */
export async function listAssemblies(ssh: SshSession, dir: string, signal?: AbortSignal): Promise<AssembliesTree> {
  if (!(await ssh.sftp((f) => f.exists(dir)))) return { entries: [], skipped: [] };
  return listRemoteTree(ssh, dir, signal);
}

/** At most this many names in an error. */
const SHOWN = 20;
const names = (xs: string[]) => xs.slice(0, SHOWN).join(', ') + (xs.length > SHOWN ? `, … (${xs.length} in all)` : '');

/**
 * The appliance's `.ova` among what appeared between two listings: the new regular files must sit in one folder and
 * hold exactly one `.ova` (files beside it, e.g. an unpacked OVF, are left where they are). Nothing new → OVA_NOT_FOUND;
 * several `.ova`, files in several folders, no `.ova`, or a new link or unplain name → OVA_AMBIGUOUS naming them; the
 * caller copies nothing then.
 */
export function pickApplianceFile(
  before: AssembliesTree,
  after: AssembliesTree,
  about: { repository: string; appliance: string },
  context: ErrorContext,
): RemoteEntry {
  const had = new Set(before.entries.filter((e) => e.type === 'file').map((e) => e.rel));
  const added = after.entries.filter((e) => e.type === 'file' && !had.has(e.rel));
  const oddAdded = after.skipped.filter((s) => !before.skipped.includes(s));
  const where = `the Assemblies folder of repository "${about.repository}"`;
  if (!added.length && !oddAdded.length)
    throw new VendorError(
      'OVA_NOT_FOUND',
      [
        `the export of virtual appliance "${about.appliance}" succeeded, but no new file appeared in ${where}: nothing to copy`,
      ],
      context,
    );
  if (oddAdded.length)
    throw new VendorError(
      'OVA_AMBIGUOUS',
      [`new entries in ${where} that the tool does not read: ${names([...oddAdded].sort())}; nothing copied`],
      context,
    );
  const ovas = added.filter((e) => /\.ova$/i.test(e.rel));
  const folders = new Set(added.map((e) => path.posix.dirname(e.rel)));
  if (ovas.length !== 1 || folders.size !== 1)
    throw new VendorError(
      'OVA_AMBIGUOUS',
      [
        `the new files in ${where} are not one appliance package (${ovas.length} .ova, ${folders.size} folder(s)): ${names(added.map((e) => e.rel).sort())}; nothing copied`,
      ],
      context,
    );
  return ovas[0];
}

/** The copy's file name: the package's own when it is plain (`[A-Za-z0-9._-]`, ends `.ova`), else `<appliance>.ova`. */
export function productFileName(rel: string, appliance: string): string {
  const base = path.posix.basename(rel);
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,120}\.ova$/i.test(base) ? base : `${appliance}.ova`;
}
