// Which content check a stored backup file gets on *Verify Backup* / `vmbackup verify`: the same as while it streamed.
import * as fs from 'node:fs';
import { isGzip } from './compressedStreamCheck';
import { StreamCheck } from './verifiedWrite';
import { xvaCheck } from './xvaStreamCheck';

/**
 * An XVA (`*.xva`, raw or gzip-compressed, told apart by gzip's magic) gets the XVA check (see xvaStreamCheck);
 * other files (pool database dumps, host backups) have no structure we check: undefined.
 */
export async function storedContentCheck(file: string, name: string): Promise<StreamCheck | undefined> {
  if (!name.toLowerCase().endsWith('.xva')) return undefined;
  const head = Buffer.alloc(2);
  const fh = await fs.promises.open(file, 'r');
  try { await fh.read(head, 0, 2, 0); } finally { await fh.close(); }
  return xvaCheck(name, isGzip(head) ? 'gzip' : undefined);
}
