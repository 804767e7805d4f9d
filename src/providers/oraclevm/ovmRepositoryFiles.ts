// A repository's files as an Oracle VM Server presents them: `<root>/<repository id>/VirtualMachines/<vm id>/vm.cfg` and
// `<root>/<repository id>/VirtualDisks/<disk id>`, read and written over SSH/SFTP on a server the repository is
// presented to (guide §12.2: "back up the clone's files from the storage repository").
import * as fs from 'node:fs';
import { ErrorContext, VendorError } from '../../core/errors';
import { OracleVmServerAccess } from '../../core/model';
import { SshSession } from '../../transport/ssh';
import { OvmClient } from './ovmClient';
import { listServers } from './ovmInventory';
import { OvmRepository, OvmServer, OvmVirtualDisk } from './ovmRecords';

/** Where an Oracle VM Server mounts repositories when the connection does not say (`/OVS/Repositories/<id>`). */
export const DEFAULT_REPOSITORY_ROOT = '/OVS/Repositories';

/** The product's own code for a path a Manager reply or a vm.cfg gave that would leave the repository. */
export const UNSAFE_PATH = 'UNSAFE_REPOSITORY_PATH';

/** One path segment an OVM id or file name may be: letters, digits, `._:-`, not `.`/`..`, at most 128 characters. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._:-]{1,128}$/;

/** Throws UNSAFE_REPOSITORY_PATH unless `s` is one safe path segment (ids and file names from the Manager are hostile). */
export function checkSegment(s: string, what: string, context: ErrorContext = {}): string {
  if (!SEGMENT.test(s))
    throw new VendorError(
      UNSAFE_PATH,
      [`${what} ${JSON.stringify(s.slice(0, 200))} is not a plain file name`],
      context,
    );
  return s;
}

/** `VirtualMachines/<vm id>/vm.cfg`, relative to the repository. */
export function vmCfgPath(vmId: string, context: ErrorContext = {}): string {
  return `VirtualMachines/${checkSegment(vmId, 'VM id', context)}/vm.cfg`;
}

/** A virtual disk's file relative to the repository, from its `path` (`/VirtualDisks/<id>.img`); anything else refused. */
export function diskPath(disk: OvmVirtualDisk, context: ErrorContext = {}): string {
  const m = /^\/?VirtualDisks\/([^/]+)$/.exec(disk.path);
  if (!m)
    throw new VendorError(
      UNSAFE_PATH,
      [`virtual disk "${disk.name}" has path ${JSON.stringify(disk.path.slice(0, 200))}, not /VirtualDisks/<file>`],
      context,
    );
  return `VirtualDisks/${checkSegment(m[1], 'virtual disk file', context)}`;
}

/** An open SSH session on a server presenting a repository, and that repository's folder on it. */
export interface RepositoryServer {
  session: SshSession;
  server: OvmServer;
  /** `<root>/<repository id>` on the server. */
  folder: string;
  /** A path relative to the repository (from vmCfgPath / diskPath) on the server. */
  remote(rel: string): string;
}

/**
 * Connects over SSH to a RUNNING server that the repository is presented to and that the connection's `oraclevm`
 * settings name (with its pinned host key), in the order the settings list them.
 * @throws VendorError NO_REPOSITORY_SERVER when none qualifies; SSH errors (host key, authentication) as SshSession.
 */
export async function openRepositoryServer(
  client: OvmClient,
  access: OracleVmServerAccess | undefined,
  repository: OvmRepository,
  secrets: { sshPassword?: string },
  context: ErrorContext,
  signal?: AbortSignal,
): Promise<RepositoryServer> {
  const where = context;
  if (!access)
    throw new VendorError(
      'NO_REPOSITORY_SERVER',
      [
        `connection has no "oraclevm:" settings (sshUser, servers with hostKey): the repository's files are read over SSH/SFTP on an Oracle VM Server`,
      ],
      where,
    );
  const presented = new Set(repository.presentedServerIds.map((s) => s.value));
  const servers = (await listServers(client, undefined, signal)).filter(
    (s) => presented.has(s.id.value) && s.serverRunState === 'RUNNING',
  );
  for (const a of access.servers) {
    const server = servers.find((s) => s.name === a.server || s.ipAddress === a.server);
    if (!server) continue;
    const session = await SshSession.connect(
      {
        label: context.connection,
        host: a.address ?? server.ipAddress,
        port: a.port ?? 22,
        username: access.sshUser,
        privateKey: access.sshKeyFile ? fs.readFileSync(access.sshKeyFile) : undefined,
        password: secrets.sshPassword,
        hostKey: a.hostKey,
      },
      signal,
    );
    const folder = `${(access.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT).replace(/\/+$/, '')}/${checkSegment(repository.id.value, 'repository id', where)}`;
    return { session, server, folder, remote: (rel) => `${folder}/${rel}` };
  }
  throw new VendorError(
    'NO_REPOSITORY_SERVER',
    [
      `no server in the connection's oraclevm.servers is RUNNING and presents repository "${repository.name}" (presented to: ${
        servers.map((s) => s.name).join(', ') || 'no running server'
      })`,
    ],
    where,
  );
}
