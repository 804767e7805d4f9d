// The VCB lab for the extension tests, the UI check and the demo: a real OpenSSH server (test/peers/openssh) with the
// VCB tools as stubs acting on the given vcsim (test/lab/vcb), its client key in a file, and what the extension host
// needs to reach it, handed over in VMBACKUP_E2E_VCB (JSON) — the tests add the host through *Add VCB Host…*.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VcbHostProfile } from '../../src/core/model';
import { VcbLab, startVcbLab } from '../lab/vcb/vcbLab';
import { VCSIM_LAB_USER } from '../peers/vcsim/vcsimLab';

/** What the extension host gets in VMBACKUP_E2E_VCB. */
export interface E2eVcbInfo {
  host: string;
  port: number;
  user: string;
  /** The client's private key (OpenSSH format), for privateKeyFile. */
  keyFile: string;
  /** The host key's fingerprint as ssh-keygen prints it (the modal must show this). */
  fingerprint: string;
  /** backuptools.conf on the lab (not at /etc/vmware: the peer is a test user). */
  confPath: string;
  stagingDir: string;
  /** A folder the peer's user owns, for backups made on the host. */
  backups: string;
  /** Lab pacing: ms per MiB written by vcbMounter (the cancel test slows the next backup). */
  delayFile: string;
  /** A host name the VCB host reaches by key-based scp (the same sshd): `scp://<user>@<scpHost>:<path>`. */
  scpHost: string;
}

export const VCB_E2E_ENV = 'VMBACKUP_E2E_VCB';

/** The settings a VCB host of the lab needs beyond host, port and user (the lab keeps its files under its folder). */
export function labHostSettings(info: E2eVcbInfo): Partial<VcbHostProfile> {
  return { privateKeyFile: info.keyFile, configPaths: [info.confPath], stagingDir: info.stagingDir };
}

/** Starts the VCB lab on a running vcsim (its /sdk URL and password). */
export async function startE2eVcbLab(vcsimUrl: string, password: string): Promise<{ lab: VcbLab; info: E2eVcbInfo }> {
  const lab = await startVcbLab({ vchost: vcsimUrl, username: VCSIM_LAB_USER, password });
  const files = lab.peer.files;
  const stagingDir = path.join(files, 'staging');
  fs.mkdirSync(stagingDir, { recursive: true });
  execFileSync('chown', [lab.peer.user, stagingDir]);
  const keyFile = path.join(lab.peer.dir, 'e2e_client_key');
  fs.writeFileSync(keyFile, lab.peer.privateKey, { mode: 0o600 });
  return {
    lab,
    info: {
      host: lab.peer.host,
      port: lab.peer.port,
      user: lab.peer.user,
      keyFile,
      fingerprint: lab.peer.hostKeyFingerprint,
      confPath: lab.confPath,
      stagingDir,
      backups: lab.backups,
      delayFile: path.join(files, 'delay-ms'),
      scpHost: lab.scpHost,
    },
  };
}
