// A workspace folder whose connections file points at a running XAPI lab.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { saveConnections } from '../../src/core/connections';

export const LAB_CONNECTION = 'lab';

export function writeLabWorkspace(dir: string, labUrl: string): string {
  fs.mkdirSync(dir, { recursive: true });
  saveConnections(dir, [{ name: LAB_CONNECTION, platform: 'xen', url: labUrl, username: 'root', repository: 'backups' }]);
  fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
  return dir;
}
