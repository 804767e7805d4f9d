// The Oracle VM backup fixture: the Manager REST lab with its repositories as folders under a real sshd peer's files
// (`<files>/OVS/<repository id>`, as a server mounts /OVS/Repositories/<id>), and a provider whose `oraclevm:` settings
// reach that sshd with the peer's key and pinned host key. The same sshd also plays the Manager CLI (its user logs in
// with the Manager password; `refresh Repository` acts on the lab through its admin hook), as `managerHost.cliPort`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvmLab, OvmLabOptions, startOvmLab } from '../lab/ovm';
import { SshdPeer, startSshdPeer } from '../peers/openssh/sshdPeer';
import { OvmLabAdmin, startOvmAdmin } from '../lab/ovm/admin';
import { installOvmCli } from '../peers/ovmm-tools/ovmCli';
import { JobContext } from '../../src/core/job';
import { ConnectionProfile } from '../../src/core/model';
import { OracleVmProvider } from '../../src/providers/oraclevm/ovmProvider';
import { tempDir } from '../tempDir';

export const OVM_PASSWORD = 'ovm-Backup-37';

export interface OvmFixture {
  lab: OvmLab;
  peer: SshdPeer;
  /** The folder standing for /OVS/Repositories. */
  ovs: string;
  /** The product's backup repository. */
  repo: string;
  keyFile: string;
  profile: ConnectionProfile;
  provider: OracleVmProvider;
  /** The folder of a lab repository, by name. */
  repoFolder(name: string): string;
  close(): Promise<void>;
}

export async function startOvmFixture(labOpts: OvmLabOptions = {}): Promise<OvmFixture> {
  const peer = await startSshdPeer();
  const ovs = path.join(peer.files, 'OVS');
  fs.mkdirSync(ovs);
  const lab = await startOvmLab({ password: OVM_PASSWORD, jobStepMs: 10, repositoryRoot: ovs, ...labOpts });
  const admin: OvmLabAdmin = await startOvmAdmin(lab, { password: OVM_PASSWORD });
  const cli = installOvmCli(peer, OVM_PASSWORD, { adminUrl: admin.url });
  const tmp = tempDir('vmbk-ovm-backup-');
  const keyFile = path.join(tmp, 'id_ed25519');
  fs.writeFileSync(keyFile, peer.privateKey, { mode: 0o600 });
  const repo = path.join(tmp, 'backups');
  const profile: ConnectionProfile = {
    name: 'ovm',
    platform: 'oraclevm',
    url: lab.url,
    username: 'admin',
    thumbprint: lab.thumbprint,
    repository: repo,
    oraclevm: {
      sshUser: peer.user,
      sshKeyFile: keyFile,
      repositoryRoot: ovs,
      servers: [{ server: 'ovs1', address: peer.host, port: peer.port, hostKey: peer.hostKeyFingerprint }],
    },
    managerHost: { host: peer.host, username: peer.user, ...cli.settings },
  };
  const provider = new OracleVmProvider(profile, { password: OVM_PASSWORD }, { pollMs: 10 });
  return {
    lab,
    peer,
    ovs,
    repo,
    keyFile,
    profile,
    provider,
    repoFolder: (name) => path.join(ovs, lab.store.repoByName(name).id.value),
    close: async () => {
      await admin.close();
      await lab.close();
      await peer.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Every file under a folder, relative, sorted (what a repository holds). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** A JobContext whose log lines (warnings prefixed `warning: `) are collected, progress handed to `onProgress`. */
export function context(onProgress?: (message: string | undefined, bytes: number) => void, signal?: AbortSignal) {
  const log: string[] = [];
  const ctx: JobContext = {
    signal: signal ?? new AbortController().signal,
    log: (l) => log.push(l),
    progress: (p) => onProgress?.(p.message, p.bytesDone),
    warn: (l) => log.push(`warning: ${l}`),
  };
  return { ctx, log };
}
