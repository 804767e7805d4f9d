// Which content check a stored backup file gets on *Verify Backup* / `vmbackup verify`: the same as while it streamed.
import * as fs from 'node:fs';
import { compressionOf } from './compressedStreamCheck';
import { StreamCheck } from './verifiedWrite';
import { xvaCheck } from './xvaStreamCheck';

/**
 * An XVA (`*.xva`, raw, gzip- or zstd-compressed, told apart by their magic numbers) gets the XVA check (see xvaStreamCheck);
 * other files (pool database dumps, host backups) have no structure we check: undefined.
 */
export async function storedContentCheck(file: string, name: string): Promise<StreamCheck | undefined> {
  if (!name.toLowerCase().endsWith('.xva')) return undefined;
  const head = Buffer.alloc(4);
  const fh = await fs.promises.open(file, 'r');
  let n: number;
  try {
    n = (await fh.read(head, 0, 4, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  return xvaCheck(name, compressionOf(head.subarray(0, n)));
}
