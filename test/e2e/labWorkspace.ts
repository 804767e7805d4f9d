// A workspace folder whose connections file points at a running XAPI lab.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { passwordEnvName, saveConnections } from '../../src/core/connections';
import { LAB_CONNECTION, labProfile } from '../../src/cli/labVerb';

/** The environment that hands the lab's password to a headless VS Code or CLI. */
export const labPasswordEnv = (password: string): NodeJS.ProcessEnv => ({
  [passwordEnvName(LAB_CONNECTION)]: password,
});

export function writeLabWorkspace(dir: string, labUrl: string): string {
  fs.mkdirSync(dir, { recursive: true });
  saveConnections(dir, [labProfile(labUrl)]);
  fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
  // The demo's workspace lives inside this repository (.lab/): don't offer to open the parent git repository.
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'git.openRepositoryInParentFolders': 'never' }, null, 2),
  );
  return dir;
}
