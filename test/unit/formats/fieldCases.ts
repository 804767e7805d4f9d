// Where the real-world configuration files of issue #13 live: <repo>/../shared/field-cases/config-files (CI lays a copy
// of shared/ beside the clone).
import * as fs from 'node:fs';
import * as path from 'node:path';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(path.dirname(dir)) === 'node_modules') {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/**
 * The field-case folder: `<repo>/../shared` (CI, and a clone beside shared/), else `<repo>/../../shared` (a worktree
 * one level deeper, e.g. /work/wt/<name>), or VMBACKUP_SHARED_DIR. Throws (the suite fails loudly) when none has it.
 */
export function fieldCasesDir(): string {
  const root = repoRoot();
  const candidates = process.env.VMBACKUP_SHARED_DIR
    ? [path.resolve(process.env.VMBACKUP_SHARED_DIR)]
    : [path.resolve(root, '..', 'shared'), path.resolve(root, '..', '..', 'shared')];
  const dirs = candidates.map((shared) => path.join(shared, 'field-cases', 'config-files'));
  const dir = dirs.find((d) => fs.existsSync(path.join(d, 'expected.md')));
  if (!dir)
    throw new Error(
      `field cases not found in ${dirs.join(' or ')} (CI keeps shared/ beside the clone; set VMBACKUP_SHARED_DIR to another shared/ folder)`,
    );
  return dir;
}
