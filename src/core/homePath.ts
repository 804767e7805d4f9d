// `~/…` in a path of connections.yaml (a privateKeyFile) is the user's home folder, as OpenSSH reads IdentityFile
// (ssh_config(5): "the tilde syntax to refer to a user's home directory"); `~user/…` is not expanded.
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectionProfile } from './model';

/** `~` or `~/rest` → the home folder (`home`, default os.homedir()) joined with rest; any other path unchanged. */
export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  return p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

/** The profile with `~/` expanded in its key files (vcbHosts[].privateKeyFile, managerHost.privateKeyFile). */
export function expandProfileHome(profile: ConnectionProfile, home = os.homedir()): ConnectionProfile {
  const key = <T extends { privateKeyFile?: string }>(x: T): T =>
    x.privateKeyFile ? { ...x, privateKeyFile: expandHome(x.privateKeyFile, home) } : x;
  return {
    ...profile,
    ...(profile.vcbHosts ? { vcbHosts: profile.vcbHosts.map(key) } : {}),
    ...(profile.managerHost ? { managerHost: key(profile.managerHost) } : {}),
  };
}
