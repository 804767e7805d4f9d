// Where the real-world configuration files of issue #13 live: <repo>/../shared/field-cases/config-files (CI lays a copy
// of shared/ beside the clone). VMBACKUP_SHARED_DIR points elsewhere (e.g. a worktree whose parent has no shared/).
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

/** The field-case folder; throws (the suite fails loudly) when it is missing. */
export function fieldCasesDir(): string {
  const shared = process.env.VMBACKUP_SHARED_DIR ? path.resolve(process.env.VMBACKUP_SHARED_DIR) : path.resolve(repoRoot(), '..', 'shared');
  const dir = path.join(shared, 'field-cases', 'config-files');
  if (!fs.existsSync(path.join(dir, 'expected.md'))) {
    throw new Error(`field cases not found: ${dir} (CI keeps shared/ beside the clone; set VMBACKUP_SHARED_DIR to another shared/ folder)`);
  }
  return dir;
}
