// What a failed, cancelled or killed backup leaves behind is removed, so nothing that looks complete stays: its own
// fresh directory (made by BackupRepository.newBackupDir or reserveBackupDir for this run) and, when that was the VM's first backup, the
// VM's folder, which is only removed when empty.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Runs `fn` (which fills `dir`); if it throws, removes `dir` (this run's own backup directory, never anything else)
 * and its parent only when that is then empty, and rethrows.
 */
export async function removeIfUnfinished<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.rmdirSync(path.dirname(dir));
    } catch {
      /* not empty: it holds other backups */
    }
    throw err;
  }
}
