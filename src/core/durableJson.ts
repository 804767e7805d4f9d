// A JSON record written so that after a crash it is either the old or the new version, never a torn one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncDir } from './slabFile';

/**
 * Writes `data` as JSON to `file`: into `<file>.<pid>.tmp`, fsync, rename over `file`, fsync of the folder (made if
 * missing; made again if another process removed it, empty, between the mkdir and the open).
 * @throws the file system's error (ENOSPC, EACCES…).
 */
export async function writeJsonDurably(file: string, data: unknown): Promise<void> {
  const dir = path.dirname(file);
  const tmp = `${file}.${process.pid}.tmp`;
  for (let attempt = 0; ; attempt++) {
    await fs.promises.mkdir(dir, { recursive: true });
    try {
      const fh = await fs.promises.open(tmp, 'w');
      try {
        await fh.writeFile(JSON.stringify(data, null, 1));
        await fh.sync();
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw e;
    }
  }
  await fs.promises.rename(tmp, file);
  await syncDir(dir);
}
