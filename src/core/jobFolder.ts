// The backup folder a journalled job made: what is left of it after a crash, and removing only that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CleanupItem } from './cleanupReport';
import { JournalEntry } from './journal';
import { MANIFEST } from './manifest';
import { within } from './safeName';
import { escapeControlChars } from './controlChars';

/**
 * Removes what an abandoned job left in its own backup folder: the `*.part` of the files it named, the named files
 * themselves when the folder has no manifest.json (a file without its manifest is not a complete backup), then the
 * subfolders those names run through or name (`<dir>/`, a folder of a copied tree) (a vSphere backup keeps `<datastore>/<dir>/<file>`), the folder and the VM's
 * folder when they are empty (rmdir: never recursive). A name that climbs out of the folder is ignored. A folder with a manifest is a complete
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
  const subfolders = new Set<string>();
  for (const name of entry.folderMade ? entry.files : []) {
    let named: string;
    try {
      named = within(folder, name);
    } catch {
      continue; // not the job's to name: outside its folder
    }
    // A name ending in `/` is a folder the job made (an empty one of a copied tree): only rmdir'd when empty.
    const isFolder = name.endsWith('/');
    for (let d = isFolder ? named : path.dirname(named); d.startsWith(folder + path.sep); d = path.dirname(d))
      subfolders.add(d);
    if (isFolder) continue;
    for (const p of complete ? [`${named}.part`] : [`${named}.part`, named]) {
      const f = path.basename(p);
      if (!fs.existsSync(p) || !fs.statSync(p).isFile()) continue;
      items.push({
        action: dryRun ? 'would delete' : 'deleted',
        what: `file ${p}`,
        why: `${why}; ${f.endsWith('.part') ? 'an unfinished download' : 'no manifest.json: not a complete backup'}`,
      });
      if (!dryRun) await fs.promises.rm(p, { force: true });
    }
  }
  if (complete) return items;
  // Deepest first, so a subfolder that empties lets its parent go too.
  const below = [...subfolders].sort((a, b) => b.length - a.length);
  for (const d of [...below, folder, path.dirname(folder)]) {
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
      if (subfolders.has(d)) continue; // never made
      break;
    }
    if (!empty) {
      if (d === folder)
        items.push({
          action: 'kept',
          what: `folder ${d}`,
          why: `${why}, but it holds what the job did not name, kept as not the tool's: ${foreignEntries(folder, entry.files, items).join(', ')}`,
        });
      if (subfolders.has(d)) continue; // its parents are not empty either, but the next subfolder may be
      break;
    }
    items.push({
      action: dryRun ? 'would delete' : 'deleted',
      what: `folder ${d}`,
      why:
        d === folder
          ? `${why}; empty`
          : subfolders.has(d)
            ? `${why}; an empty folder of its files`
            : 'empty VM folder above it',
    });
    if (!dryRun) {
      try {
        await fs.promises.rmdir(d);
      } catch {
        if (subfolders.has(d)) continue;
        break;
      }
    }
  }
  return items;
}

/**
 * What a job's folder holds that the job did not make (for the "kept" line): files neither named by the journal nor
 * the `.part` of a named one nor among `items` (deleted, or to be in a dry run), and folders that hold nothing of the
 * job's; relative `/`-separated names with control characters escaped, at most 20 then "and N more".
 */
function foreignEntries(folder: string, named: string[], items: CleanupItem[]): string[] {
  const ours = new Set(named.filter((n) => !n.endsWith('/')).flatMap((n) => [n, `${n}.part`]));
  const ourDirs = new Set(named.filter((n) => n.endsWith('/')).map((n) => n.slice(0, -1)));
  for (const n of named)
    for (let d = path.posix.dirname(n); d !== '.' && d !== '/'; d = path.posix.dirname(d)) ourDirs.add(d);
  const gone = new Set(items.map((i) => i.what));
  const found: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of list) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = path.join(dir, e.name);
      if (e.isDirectory() && ourDirs.has(r) && depth < 32) walk(p, r, depth + 1);
      else if (e.isDirectory()) found.push(`${r}/`);
      else if (!ours.has(r) && !gone.has(`file ${p}`)) found.push(r);
    }
  };
  walk(folder, '', 0);
  found.sort();
  const shown = found.slice(0, 20).map((f) => escapeControlChars(f));
  return found.length > 20 ? [...shown, `and ${found.length - 20} more`] : shown;
}
