// Staging folders on the VCB host — a fullvm export on its way into the repository, a repository backup on its way to
// vcbRestore — journalled like every temporary object of this tool (src/core/journal.ts, platform `vcb`): the entry
// names the folder (with the job's random marker in its name) and the VCB host before the folder is made, so Clean Up
// and the next run remove exactly what a killed job left, once the host confirms it is that folder.
import { CleanupItem, cleanupLine } from '../../core/cleanupReport';
import { JobContext } from '../../core/job';
import { cleanJobFolder } from '../../core/jobFolder';
import { Journal, JournalEntry } from '../../core/journal';
import { settleOwnEntry, sweepJournal } from '../../core/journalSweep';
import { VcbHostSession } from './vcbHostSession';
import { VcbVmRef } from './vcbRecords';

/** Name of a staging folder: this prefix and the journal entry's marker (72 random bits), nothing else. */
export const STAGING_PREFIX = 'vmbackup-stage-';
/** The file in a staging folder that names its journal entry (written right after the mkdir, mode 600). */
export const STAGING_OWNER_FILE = '.vmbackup-job';

/** A staging folder this job made: its absolute path on the VCB host and the journal entry that names it. */
export interface VcbStaging {
  path: string;
  journal: Journal;
  entry: JournalEntry;
}

/** `host:port` of the session's VCB host, as journal entries record it. */
export function vcbHostKey(h: VcbHostSession): string {
  return `${h.host.host}:${h.host.port ?? 22}`;
}

/**
 * Records the intent (journal entry: VM, staging path, VCB host), then makes the folder (SFTP mkdir, mode 700: fails
 * if anything has the name), records it made and writes the owner file. The caller ends it with `endStaging`.
 * @throws Error naming connection, host and VM (the entry is completed: nothing was made).
 */
export async function beginStaging(h: VcbHostSession, journal: Journal, vm: VcbVmRef): Promise<VcbStaging> {
  const root = h.stagingRoot().replace(/\/+$/, '');
  if (!root.startsWith('/') || root.split('/').includes('..'))
    throw new Error(`${h.where(vm.name)}: the staging folder ${JSON.stringify(root)} must be an absolute path`);
  const entry = await journal.begin(
    {
      connection: h.profile.name,
      platform: 'vcb',
      vm: { id: vm.moref ?? '', uuid: vm.uuid ?? '', name: vm.name },
      before: [],
    },
    (marker) => `${root}/${STAGING_PREFIX}${marker}`,
  );
  const path = entry.name!;
  try {
    await journal.update(entry, { remoteHost: vcbHostKey(h) });
    await h.ssh.sftp((f) => f.mkdir(path, 0o700));
  } catch (e) {
    journal.release(entry);
    await journal.complete(entry);
    throw e;
  }
  await journal.update(entry, { state: 'created', created: { id: path, uuid: entry.marker } });
  await h.ssh.sftp((f) => f.writeText(`${path}/${STAGING_OWNER_FILE}`, `${entry.id}\n`, 0o600));
  return { path, journal, entry };
}

/**
 * Removes the job's own staging folder (and, through cleanJobFolder, what is unfinished in its repository folder) and
 * completes its entry; what cannot go is a warning on the job and stays in the journal for Clean Up.
 */
export async function endStaging(h: VcbHostSession, s: VcbStaging, ctx: JobContext): Promise<void> {
  await settleOwnEntry(s.journal, s.entry, ctx, () => settleVcbEntry(h, s.journal, s.entry, [], false));
}

/**
 * The staging folder an entry names, if the VCB host confirms it: the entry recorded this host, the path is the
 * staging name with the entry's marker, it is a directory, and it holds the owner file naming this entry (or nothing:
 * a kill between the mkdir and that file). Anything else is `kept` with the reason; a folder already gone gives nothing.
 */
export async function settleStaging(h: VcbHostSession, entry: JournalEntry, dryRun: boolean): Promise<CleanupItem[]> {
  if (!entry.remoteHost || !entry.name) return []; // killed before the folder was asked for
  const path = entry.name;
  const what = `folder ${path} on VCB host ${entry.remoteHost}`;
  const why = `journal entry ${entry.id} (${entry.state}, job of ${entry.intentAt} on VM "${entry.vm.name}") made it`;
  if (entry.remoteHost !== vcbHostKey(h))
    return [
      {
        action: 'skipped',
        what,
        why: `${why}: on another VCB host than ${vcbHostKey(h)} (vcb-cleanup --vcb-host ${entry.remoteHost.replace(/:22$/, '')})`,
      },
    ];
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!path.startsWith('/') || path.split('/').includes('..') || base !== `${STAGING_PREFIX}${entry.marker}`)
    return [{ action: 'kept', what, why: `${why}, but it is not a staging name this tool gives: not touched` }];
  const found = await h.ssh.sftp(async (f) => {
    const st = await f.stat(path);
    if (!st) return undefined;
    if (!st.isDirectory) return 'not a folder';
    const names = ((await f.list(path)) ?? []).map((r) => r.name);
    if (!names.length) return 'ours';
    if (!names.includes(STAGING_OWNER_FILE)) return `no ${STAGING_OWNER_FILE} in it`;
    const owner = (await f.readText(`${path}/${STAGING_OWNER_FILE}`, 4096)).trim();
    return owner === entry.id ? 'ours' : `its ${STAGING_OWNER_FILE} names another job (${owner.slice(0, 64)})`;
  });
  if (!found) return [];
  if (found !== 'ours') return [{ action: 'kept', what, why: `${why}, but ${found}: not touched` }];
  const proof = `${why}; the VCB host confirms it (the job's marker in its name, its owner file)`;
  if (dryRun) return [{ action: 'would delete', what, why: proof }];
  await h.removeOwnFolder(path);
  return [{ action: 'deleted', what, why: proof }];
}

/**
 * Settles one entry: its staging folder on the VCB host (settleStaging), then what is unfinished in its repository
 * folder (cleanJobFolder: `.part` files, a folder without manifest). Completed unless something was `skipped` (then
 * `leftover`, for the next Clean Up); what is `kept` is not the job's and never will be.
 */
export async function settleVcbEntry(
  h: VcbHostSession,
  journal: Journal,
  entry: JournalEntry,
  others: JournalEntry[],
  dryRun: boolean,
): Promise<CleanupItem[]> {
  const items = await settleStaging(h, entry, dryRun);
  items.push(...(await cleanJobFolder(journal.repository, entry, others, dryRun)));
  if (dryRun) return items;
  if (items.some((i) => i.action === 'skipped')) await journal.update(entry, { state: 'leftover' });
  else await journal.complete(entry);
  return items;
}

/**
 * Clean Up of this connection's VCB journal entries in one repository (abandoned ones only: sweepJournal). With
 * `thisHostOnly`, entries whose staging folder is on another VCB host are passed over (left for that host's session)
 * instead of reported `skipped`.
 */
export function cleanupVcbJournal(
  h: VcbHostSession,
  journal: Journal,
  dryRun: boolean,
  thisHostOnly = false,
): Promise<CleanupItem[]> {
  return sweepJournal(journal, h.profile.name, 'vcb', dryRun, async (e, all) =>
    thisHostOnly && e.remoteHost && e.remoteHost !== vcbHostKey(h) ? [] : settleVcbEntry(h, journal, e, all, dryRun),
  );
}

/** The next run's sweep of what killed runs left; never fatal, logged. */
export async function sweepVcbLeftovers(h: VcbHostSession, journal: Journal, ctx: JobContext): Promise<void> {
  try {
    for (const i of await cleanupVcbJournal(h, journal, false))
      if (i.action !== 'kept' || !i.what.startsWith('journal entry'))
        ctx.log(`leftover of an earlier run: ${cleanupLine(i)}`);
  } catch (e) {
    ctx.log(`leftovers of earlier runs not cleaned up: ${(e as Error).message}`);
  }
}
