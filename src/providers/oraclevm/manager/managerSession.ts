// One connection to an Oracle VM Manager for its own backup and restore: SSH to its host and its REST API.
import { ConnectionProfile } from '../../../core/model';
import { SshSession } from '../../../transport/ssh';
import { OvmClient } from '../ovmClient';
import { restBase } from '../ovmRestBase';
import { ManagerHostSettings, ManagerLayout } from './managerHost';

export interface ManagerSession {
  profile: ConnectionProfile;
  settings: ManagerHostSettings;
  ssh: SshSession;
  client: OvmClient;
  layout: ManagerLayout;
  /** The Manager user and password, for BackupDatabase's prompts (kept in this closure, not in the object). */
  managerCredentials(): { username: string; password: string };
  close(): Promise<void>;
}

export interface ManagerSecrets {
  /** The Manager (REST) password of the connection's user. */
  password: string;
  /** SSH password of managerHost.username (when no key). */
  sshPassword?: string;
  /** The contents of managerHost.privateKeyFile. */
  privateKey?: Buffer;
}

/**
 * The connection's `managerHost` settings, the SSH host defaulting to the REST URL's host.
 * @throws Error naming the connection when it is not an Oracle VM one or has no managerHost.
 */
export function managerHostSettings(profile: ConnectionProfile): ManagerHostSettings {
  if (profile.platform !== 'oraclevm')
    throw new Error(`connection "${profile.name}" is not an Oracle VM Manager (platform ${profile.platform})`);
  if (!profile.managerHost)
    throw new Error(
      `connection "${profile.name}" has no managerHost: add "managerHost: {username: root, hostKey: SHA256:…}" to .vmbackup/connections.yaml (SSH to the Manager host, guide §12.1)`,
    );
  return { host: new URL(profile.url).hostname, ...profile.managerHost };
}

/**
 * Connects SSH (host key pinned, key or password) and makes the REST client (not contacted yet: the Manager may be
 * stopped, as in the middle of a restore).
 */
export async function openManagerSession(
  profile: ConnectionProfile,
  secrets: ManagerSecrets,
  signal?: AbortSignal,
): Promise<ManagerSession> {
  const settings = managerHostSettings(profile);
  if (!secrets.privateKey && secrets.sshPassword === undefined)
    throw new Error(
      `connection "${profile.name}": no SSH credentials for ${settings.username}@${settings.host}: set managerHost.privateKeyFile, or the SSH password`,
    );
  const ssh = await SshSession.connect(
    {
      label: profile.name,
      host: settings.host!,
      port: settings.port,
      username: settings.username,
      password: secrets.sshPassword,
      privateKey: secrets.privateKey,
      hostKey: settings.hostKey,
    },
    signal,
  );
  const client = new OvmClient({
    url: restBase(profile.url),
    username: profile.username,
    password: secrets.password,
    thumbprint: profile.thumbprint,
    label: profile.name,
  });
  return {
    profile,
    settings,
    ssh,
    client,
    layout: new ManagerLayout(settings),
    managerCredentials: () => ({ username: profile.username, password: secrets.password }),
    close: () => ssh.close(),
  };
}
