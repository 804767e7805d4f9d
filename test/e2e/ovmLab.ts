// The Oracle VM part of the e2e labs: the Manager REST lab whose repositories are folders a real sshd serves (the
// Oracle VM Server that presents them) and, on the same sshd, the Manager host with its tools as stubs
// (test/peers/ovmm-tools) and the Manager CLI — what connection "ovm" of the e2e workspace reaches.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectionProfile } from '../../src/core/model';
import { OvmLab, startOvmLab } from '../lab/ovm';
import { SshdPeer, startSshdPeer } from '../peers/openssh/sshdPeer';
import { OvmmHost, installOvmmTools } from '../peers/ovmm-tools/ovmmTools';
import { installOvmCli } from '../peers/ovmm-tools/ovmCli';

/** The e2e workspace's Oracle VM connection. */
export const OVM_CONNECTION = 'ovm';

export interface E2eOvmLab {
  lab: OvmLab;
  peer: SshdPeer;
  host: OvmmHost;
  /** Connection "ovm": the lab's pinned thumbprint, the servers' and the Manager host's SSH settings. */
  profile: ConnectionProfile;
  close(): Promise<void>;
}

/**
 * Starts the peer, the lab (repositories under `<peer files>/OVS`, disks of `diskBytes`, job steps of `jobStepMs`)
 * and the Manager host stubs with one AutoFullBackup of the seeded inventory, so the restore runbook has a backup.
 */
export async function startE2eOvmLab(
  password: string,
  opts: { diskBytes?: number; jobStepMs?: number } = {},
): Promise<E2eOvmLab> {
  const peer = await startSshdPeer();
  const ovs = path.join(peer.files, 'OVS');
  fs.mkdirSync(ovs);
  const lab = await startOvmLab({
    password,
    jobStepMs: opts.jobStepMs ?? 50,
    repositoryRoot: ovs,
    diskBytes: opts.diskBytes,
  });
  const host = await installOvmmTools(peer, lab, { password, startingMs: 500 });
  host.addAutoBackup(3600);
  // The same sshd is the Manager CLI (port 10000 of a real Manager): getDbBackupConfig, and the repository refresh a
  // VM restore has the Manager import its files with.
  const cli = installOvmCli(peer, password, { adminUrl: host.admin.url });
  const keyFile = path.join(peer.dir, 'client_key');
  const s = host.settings;
  const profile: ConnectionProfile = {
    name: OVM_CONNECTION,
    platform: 'oraclevm',
    url: `https://127.0.0.1:${lab.port}`,
    username: 'admin',
    thumbprint: lab.thumbprint,
    repository: 'backups',
    oraclevm: {
      sshUser: peer.user,
      sshKeyFile: keyFile,
      repositoryRoot: ovs,
      servers: [{ server: 'ovs1', address: peer.host, port: peer.port, hostKey: peer.hostKeyFingerprint }],
    },
    managerHost: { ...s, privateKeyFile: keyFile, ...cli.settings },
  };
  return {
    lab,
    peer,
    host,
    profile,
    close: async () => {
      await host.close();
      await lab.close();
      await peer.stop();
    },
  };
}
