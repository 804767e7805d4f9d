// What a test's scratch folder holds: every file below `dir`, relative to it, sorted ([] when `dir` is gone).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const filesBelow = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => path.relative(dir, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)))
        .sort()
    : [];
