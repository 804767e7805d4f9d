// The backup folder a journalled job made: what is left of it after a crash, and removing only that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CleanupItem } from './cleanupReport';
import { JournalEntry } from './journal';
import { MANIFEST } from './manifest';
import { within } from './safeName';

/**
 * Removes what an abandoned job left in its own backup folder: the `*.part` of the files it named, the named files
 * themselves when the folder has no manifest.json (a file without its manifest is not a complete backup), then the
 * folder and the VM's folder when they are empty (rmdir: never recursive). A folder with a manifest is a complete
 * backup and stays. A folder that a later entry names too (the other job took the name) is left alone, and so is
 * anything in a folder whose mkdir the journal had not confirmed (`folderMade`).
 */
export async function cleanJobFolder(
  repository: string,
  entry: JournalEntry,
  others: JournalEntry[],
  dryRun: boolean,
): Promise<CleanupItem[]> {
  if (!entry.folder) return [];
  const why = `journal entry ${entry.id} (job on VM "${entry.vm.name}", ${entry.intentAt}) made this folder`;
  let folder: string;
  try {
    folder = within(repository, path.relative(repository, entry.folder));
  } catch {
    return [{ action: 'kept', what: `folder ${entry.folder}`, why: 'outside the repository: not touched' }];
  }
  if (!fs.existsSync(folder)) return [];
  if (others.some((o) => o.id !== entry.id && o.folder === entry.folder && o.intentAt > entry.intentAt)) {
    return [
      { action: 'kept', what: `folder ${folder}`, why: `a later journal entry names it too: it belongs to that job` },
    ];
  }
  const complete = fs.existsSync(path.join(folder, MANIFEST));
  const items: CleanupItem[] = [];
  // Before its mkdir was recorded the job wrote nothing there: at most an empty folder of its own is left.
  for (const name of entry.folderMade ? entry.files : []) {
    const base = path.basename(name);
    for (const f of complete ? [`${base}.part`] : [`${base}.part`, base]) {
      const p = path.join(folder, f);
      if (!fs.existsSync(p)) continue;
      items.push({
        action: dryRun ? 'would delete' : 'deleted',
        what: `file ${p}`,
        why: `${why}; ${f.endsWith('.part') ? 'an unfinished download' : 'no manifest.json: not a complete backup'}`,
      });
      if (!dryRun) await fs.promises.rm(p, { force: true });
    }
  }
  if (complete) return items;
  for (const d of [folder, path.dirname(folder)]) {
    if (d === path.resolve(repository)) break;
    let empty: boolean;
    // In a dry run nothing went: a folder counts as empty when all it holds would go.
    try {
      empty = fs
        .readdirSync(d)
        .every(
          (n) =>
            dryRun && items.some((i) => i.what === `file ${path.join(d, n)}` || i.what === `folder ${path.join(d, n)}`),
        );
    } catch {
      break;
    }
    if (!empty) {
      if (d === folder)
        items.push({ action: 'kept', what: `folder ${d}`, why: `${why}, but it holds files the job did not name` });
      break;
    }
    items.push({
      action: dryRun ? 'would delete' : 'deleted',
      what: `folder ${d}`,
      why: d === folder ? `${why}; empty` : 'empty VM folder above it',
    });
    if (!dryRun) {
      try {
        await fs.promises.rmdir(d);
      } catch {
        break;
      }
    }
  }
  return items;
}
