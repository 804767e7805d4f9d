// Which repository a catalog entry was listed from: where a job on that backup keeps its journal.
import * as path from 'node:path';
import { CatalogEntry } from './repository';

/**
 * The repository folder a catalog entry was listed from (entry.dir minus entry.id's path elements).
 * @throws Error when entry.dir does not end with entry.id's elements.
 */
export function repositoryOf(entry: CatalogEntry): string {
  let root = entry.dir;
  for (const part of entry.id
    .split(/[\\/]+/)
    .filter(Boolean)
    .reverse()) {
    if (path.basename(root) !== part) throw new Error(`${entry.id}: cannot tell its repository from ${entry.dir}`);
    root = path.dirname(root);
  }
  return root;
}
