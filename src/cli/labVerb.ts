// `vmbackup lab`: starts the XAPI lab simulator and, where VMware's simulator is built, the fixed vCenter beside it
// (test/peers/vcsim/vcsimLab.ts), and points the workspace's connections file at them.
import * as path from 'node:path';
import { Args } from './args';
import { startXapiLab } from '../../test/lab/xapi';
import { VCSIM_LAB_USER, VcsimLab, startVcsimLab, vcsimMissing } from '../../test/peers/vcsim/vcsimLab';
import { passwordEnvName } from '../core/connections';
import { addLabConnections, removeLabConnections } from './labConnections';
import { ConnectionProfile } from '../core/model';
import { E2eOvmLab, OVM_CONNECTION, startE2eOvmLab } from '../../test/e2e/ovmLab';
import { VcbLab } from '../../test/lab/vcb/vcbLab';
import { labHostSettings, startE2eVcbLab } from '../../test/e2e/vcbE2eLab';

export const LAB_CONNECTION = 'lab';
export const LAB_DEFAULT_PASSWORD = 'lab-secret';
/** The vCenter (vcsim) connection beside the XAPI lab's. */
export const VCENTER_CONNECTION = 'vcenter';
export const VCENTER_DEFAULT_PASSWORD = 'vcenter-secret';
export const OVM_DEFAULT_PASSWORD = 'ovm-secret';

/** The connection every lab consumer (CLI, demo, tests) points at a running lab. */
export function labProfile(url: string): ConnectionProfile {
  return { name: LAB_CONNECTION, platform: 'xen', url, username: 'root', repository: 'backups' };
}

/**
 * The connection to the lab's vCenter: its base URL, and its self-signed certificate pinned by the SHA-256 thumbprint
 * the simulator printed at start (as a user pins a vCenter's with *Pin This Certificate…*). The password is not here.
 */
export function vcenterProfile(sim: { baseUrl: string; sha256: string }): ConnectionProfile {
  return {
    name: VCENTER_CONNECTION,
    platform: 'vmware',
    url: sim.baseUrl,
    username: VCSIM_LAB_USER,
    thumbprint: sim.sha256,
    repository: 'backups',
  };
}

/**
 * Starts the lab and serves until SIGINT/SIGTERM. The handlers are installed before anything starts: a Ctrl-C during the
 * start (vcsim takes seconds) lets the start finish, then closes what it started — without them Node's default
 * disposition ended the process and left vcsim running as an orphan. Returns 0 when stopped after it was ready, 130
 * when stopped during the start (nothing is written to connections.yaml then). connections.yaml is edited, not
 * rewritten: the user's comments and connections stay, and the lab's own entries are removed again when it stops.
 */
export async function labVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  let stopRequested = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      stopRequested = true;
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const workspace = path.resolve(String(a.flags.workspace ?? process.cwd()));
  const password = process.env[passwordEnvName(LAB_CONNECTION)] ?? LAB_DEFAULT_PASSWORD;
  const vcPassword = process.env[passwordEnvName(VCENTER_CONNECTION)] ?? VCENTER_DEFAULT_PASSWORD;
  const lab = await startXapiLab({
    port: Number(a.flags.port ?? 0),
    hosts: Number(a.flags.hosts ?? 3),
    vmsPerHost: Number(a.flags.vms ?? 4),
    password,
    diskBytes: a.flags['disk-mib'] ? Number(a.flags['disk-mib']) * 1024 * 1024 : undefined,
    taskStepMs: 100,
    denseDisks: !!a.flags.dense,
  });
  const missing = vcsimMissing();
  let vc: VcsimLab | undefined;
  let vcProblem = missing;
  if (!missing && !stopRequested)
    vc = await startVcsimLab({ password: vcPassword }).catch((e: unknown) => {
      vcProblem = `the vSphere simulator did not start: ${(e as Error).message}`;
      return undefined;
    });
  // The VCB host of the vCenter and the Oracle VM Manager: both a real sshd (Debian openssh-server, run as root to add
  // its test user) with the vendors' tools as stubs; --no-vcb / --no-ovm leave them out.
  let vcb: { lab: VcbLab; info: Parameters<typeof labHostSettings>[0] } | undefined;
  let vcbProblem = vc ? (a.flags['no-vcb'] ? 'left out (--no-vcb)' : '') : 'no vCenter';
  if (vc && !vcbProblem && !stopRequested)
    vcb = await startE2eVcbLab(vc.sim.url, vcPassword).catch((e: unknown) => {
      vcbProblem = `the VCB lab did not start: ${(e as Error).message.split('\n')[0]}`;
      return undefined;
    });
  const ovmPassword = process.env[passwordEnvName(OVM_CONNECTION)] ?? OVM_DEFAULT_PASSWORD;
  let ovm: E2eOvmLab | undefined;
  let ovmProblem = a.flags['no-ovm'] ? 'left out (--no-ovm)' : '';
  if (!ovmProblem && !stopRequested)
    ovm = await startE2eOvmLab(ovmPassword).catch((e: unknown) => {
      ovmProblem = `the Oracle VM lab did not start: ${(e as Error).message.split('\n')[0]}`;
      return undefined;
    });
  const closeAll = async () => {
    for (const close of [() => ovm?.close(), () => vcb?.lab.stop(), () => vc?.close(), () => lab.close()])
      await Promise.resolve(close()).catch((e: unknown) => console.error(`stopping: ${(e as Error).message}`));
  };
  if (stopRequested) {
    await closeAll();
    return 130;
  }
  const vcProfile = vc
    ? {
        ...vcenterProfile(vc.sim),
        ...(vcb
          ? {
              vcbHosts: [
                {
                  host: vcb.info.host,
                  port: vcb.info.port,
                  username: vcb.info.user,
                  hostKey: vcb.info.fingerprint,
                  ...labHostSettings(vcb.info),
                },
              ],
            }
          : {}),
      }
    : undefined;
  const written = [labProfile(lab.url), ...(vcProfile ? [vcProfile] : []), ...(ovm ? [ovm.profile] : [])];
  addLabConnections(workspace, written);
  const file = path.join(workspace, '.vmbackup', 'connections.yaml');
  const shown = (pw: string, dflt: string) => (pw === dflt ? dflt : '<yours>');
  out(
    {
      url: lab.url,
      connection: LAB_CONNECTION,
      workspace,
      vcenter: vc
        ? { url: vc.sim.baseUrl, connection: VCENTER_CONNECTION, sha256: vc.sim.sha256 }
        : { problem: vcProblem },
      vcb: vcb ? { host: vcb.info.host, port: vcb.info.port, user: vcb.info.user } : { problem: vcbProblem },
      ovm: ovm ? { url: ovm.profile.url, connection: OVM_CONNECTION } : { problem: ovmProblem },
    },
    [
      `XAPI lab (XCP-ng simulator) listening on ${lab.url}`,
      `connection "${LAB_CONNECTION}" written to ${file}`,
      `password: set ${passwordEnvName(LAB_CONNECTION)} (the lab accepts "${shown(password, LAB_DEFAULT_PASSWORD)}")`,
      vc
        ? [
            `vCenter (VMware's vcsim) listening on ${vc.sim.baseUrl}, certificate SHA-256 ${vc.sim.sha256}`,
            `connection "${VCENTER_CONNECTION}" (${VCSIM_LAB_USER}, thumbprint pinned) written to ${file}`,
            `password: set ${passwordEnvName(VCENTER_CONNECTION)} (the vCenter accepts "${shown(vcPassword, VCENTER_DEFAULT_PASSWORD)}")`,
          ].join('\n')
        : `no vCenter: ${vcProblem}`,
      vcb
        ? `VCB host of "${VCENTER_CONNECTION}" (a real sshd, host key pinned): ${vcb.info.host}:${vcb.info.port}`
        : `no VCB host: ${vcbProblem}`,
      ovm
        ? [
            `Oracle VM Manager (REST lab) on ${ovm.profile.url}, its Manager host and server over a real sshd`,
            `connection "${OVM_CONNECTION}" (admin, thumbprint pinned) written to ${file}`,
            `password: set ${passwordEnvName(OVM_CONNECTION)} (the Manager accepts "${shown(ovmPassword, OVM_DEFAULT_PASSWORD)}")`,
          ].join('\n')
        : `no Oracle VM Manager: ${ovmProblem}`,
      'Ctrl-C stops it (and removes its connections from the file again).',
    ].join('\n'),
  );
  await stopped;
  // The lab's ports are dead from here on: its entries go, the user's stay.
  removeLabConnections(workspace, written);
  await closeAll();
  return 0;
}
