// Creating a backup repository's folder: a repository made inside a git work tree gets a .gitignore, so disk images
// and journals are never committed by accident.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The .gitignore written into a new repository inside a git work tree: everything in it is ignored. */
export const REPOSITORY_GITIGNORE =
  '# VM Backup Explorer repository: backups are not source (written when the folder was created)\n*\n';

/** The git work tree `dir` lies in (a parent holding `.git`, a folder or a worktree's file), if any. */
export function gitWorkTree(dir: string): string | undefined {
  for (let d = path.resolve(dir); ;) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/**
 * Makes the repository folder `root` when it does not exist yet; when this call made it and it lies inside a git
 * work tree, writes a `.gitignore` ignoring everything in it. An existing folder is left as it is.
 */
export function ensureRepositoryRoot(root: string): void {
  if (fs.existsSync(root)) return;
  fs.mkdirSync(root, { recursive: true });
  if (gitWorkTree(path.dirname(path.resolve(root))))
    fs.writeFileSync(path.join(root, '.gitignore'), REPOSITORY_GITIGNORE, { flag: 'wx' });
}
