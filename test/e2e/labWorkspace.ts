// A workspace folder whose connections file points at a running XAPI lab and, when given, the lab's vCenter (vcsim).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { passwordEnvName, saveConnections } from '../../src/core/connections';
import { LAB_CONNECTION, VCENTER_CONNECTION, labProfile, vcenterProfile } from '../../src/cli/labVerb';
import { ConnectionProfile } from '../../src/core/model';

/**
 * The environment that hands the lab's password (and the vCenter's) to a headless VS Code or CLI: the extension moves
 * each into SecretStorage on first use; never a command line or a setting.
 */
export const labPasswordEnv = (password: string, vcenterPassword?: string): NodeJS.ProcessEnv => ({
  [passwordEnvName(LAB_CONNECTION)]: password,
  ...(vcenterPassword !== undefined ? { [passwordEnvName(VCENTER_CONNECTION)]: vcenterPassword } : {}),
});

/**
 * Writes `.vmbackup/connections.yaml` (lab, then vcenter with its pinned thumbprint, then `more`: the Oracle VM
 * connection), `backups/` and `.vscode/`.
 */
export function writeLabWorkspace(
  dir: string,
  labUrl: string,
  vcenter?: { baseUrl: string; sha256: string },
  more: ConnectionProfile[] = [],
): string {
  fs.mkdirSync(dir, { recursive: true });
  saveConnections(dir, [labProfile(labUrl), ...(vcenter ? [vcenterProfile(vcenter)] : []), ...more]);
  fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
  // The demo's workspace lives inside this repository (.lab/): don't offer to open the parent git repository.
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'git.openRepositoryInParentFolders': 'never' }, null, 2),
  );
  return dir;
}
