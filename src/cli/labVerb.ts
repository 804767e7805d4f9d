// `vmbackup lab`: starts the XAPI lab simulator and points the workspace's connections file at it.
import * as path from 'node:path';
import { Args } from './args';
import { startXapiLab } from '../../test/lab/xapi';
import { loadConnections, passwordEnvName, saveConnections } from '../core/connections';
import { ConnectionProfile } from '../core/model';

export const LAB_CONNECTION = 'lab';
export const LAB_DEFAULT_PASSWORD = 'lab-secret';

/** The connection every lab consumer (CLI, demo, tests) points at a running lab. */
export function labProfile(url: string): ConnectionProfile {
  return { name: LAB_CONNECTION, platform: 'xen', url, username: 'root', repository: 'backups' };
}

export async function labVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const workspace = path.resolve(String(a.flags.workspace ?? process.cwd()));
  const password = process.env[passwordEnvName(LAB_CONNECTION)] ?? LAB_DEFAULT_PASSWORD;
  const lab = await startXapiLab({
    port: Number(a.flags.port ?? 0),
    hosts: Number(a.flags.hosts ?? 3),
    vmsPerHost: Number(a.flags.vms ?? 4),
    password,
    diskBytes: a.flags['disk-mib'] ? Number(a.flags['disk-mib']) * 1024 * 1024 : undefined,
    taskStepMs: 100,
    denseDisks: !!a.flags.dense,
  });
  const others = loadConnections(workspace).connections.filter((c) => c.name !== LAB_CONNECTION);
  saveConnections(workspace, [...others, labProfile(lab.url)]);
  out(
    { url: lab.url, connection: LAB_CONNECTION, workspace },
    [
      `XAPI lab (XCP-ng simulator) listening on ${lab.url}`,
      `connection "${LAB_CONNECTION}" written to ${path.join(workspace, '.vmbackup', 'connections.yaml')}`,
      `password: set VMBACKUP_PASSWORD_LAB (the lab accepts "${password === LAB_DEFAULT_PASSWORD ? LAB_DEFAULT_PASSWORD : '<yours>'}")`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await lab.close();
  return 0;
}
