// Reads the entry names of a tar file (ustar headers), independently of the lab's writer.
import * as fs from 'node:fs';

export async function readTarEntryNames(file: string, max = 64): Promise<string[]> {
  const fd = fs.openSync(file, 'r');
  const names: string[] = [];
  try {
    const header = Buffer.alloc(512);
    let offset = 0;
    while (names.length < max && fs.readSync(fd, header, 0, 512, offset) === 512) {
      const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
      if (!name) break;
      const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
      names.push(name);
      offset += 512 + Math.ceil(size / 512) * 512;
    }
  } finally {
    fs.closeSync(fd);
  }
  return names;
}
