// The Oracle VM Manager CLI (its own SSH server on port 10000 in a real Manager) as a real OpenSSH peer whose user logs
// in with the Manager password: `getDbBackupConfig` answers the automatic backups' interval and number kept from a
// state file the test sets, and, given the REST lab's admin hook, `refresh Repository id=…|name=…` runs the
// repository's refresh job and `exportVirtualAppliance`, `list VirtualAppliance`, `delete VirtualAppliance` act on
// the lab's appliances, in the CLI's text reply layout (README.md here: which parts are assumed).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SshdPeer, startSshdPeer } from '../openssh/sshdPeer';
import { repoRoot } from './ovmmTools';

export interface OvmCliPeer {
  peer: SshdPeer;
  /** For the connection's managerHost: the CLI's port, user and pinned key. */
  settings: { cliPort: number; cliUsername: string; cliHostKey: string };
  /** What setDbBackupConfig would have stored (CLI reference A.167: interval minutes, numberToKeep). */
  setDbBackupConfig(interval: number, numberToKeep: number): void;
  /** Replaces the whole reply of getDbBackupConfig (a failure, a hostile reply); undefined: the normal one again. */
  setReply(raw: string | undefined): void;
  stop(): Promise<void>;
}

/** Starts a peer for the CLI alone (installOvmCli on a new sshd). */
export async function startOvmCli(password: string, opts: { adminUrl?: string } = {}): Promise<OvmCliPeer> {
  return installOvmCli(await startSshdPeer(), password, opts);
}

/**
 * Makes `peer` the Manager CLI: `password` becomes its user's password (the CLI authenticates Manager users); its
 * commands are stubs on the user's PATH. With `adminUrl` (the REST lab's admin hook, test/lab/ovm/admin.ts) the
 * `refresh` command acts on the lab.
 */
export function installOvmCli(peer: SshdPeer, password: string, opts: { adminUrl?: string } = {}): OvmCliPeer {
  execFileSync('chpasswd', [], { input: `${peer.user}:${password}\n` });
  const state = path.join(peer.files, 'dbbackupconfig.sh');
  const reply = path.join(peer.files, 'reply.txt');
  const write = (file: string, text: string) => {
    fs.writeFileSync(file, text);
    execFileSync('chown', [peer.user, file]);
  };
  const set = (interval: number, keep: number) => write(state, `INTERVAL=${interval}\nKEEP=${keep}\n`);
  set(1440, 21);
  peer.addTool(
    'getDbBackupConfig',
    [
      '#!/bin/sh',
      `if [ -f '${reply}' ]; then cat '${reply}'; exit 0; fi`,
      `. '${state}'`,
      'echo "OVM> getDbBackupConfig"',
      'echo "Command: getDbBackupConfig"',
      'echo "Status: Success"',
      `echo "Time: $(date '+%Y-%m-%d %H:%M:%S,000 %Z')"`,
      'echo "Data: "',
      'echo "  Interval = $INTERVAL"',
      'echo "  Number To Keep = $KEEP"',
      'echo "OVM> Connection closed."',
      '',
    ].join('\n'),
  );
  if (opts.adminUrl) {
    const dir = path.join(peer.dir, 'ovm-cli');
    fs.mkdirSync(dir, { mode: 0o755 });
    for (const f of ['ovm_cli_stub.py', 'lab_admin.py'])
      fs.copyFileSync(path.join(repoRoot(), 'test/peers/ovmm-tools', f), path.join(dir, f));
    const stub = path.join(dir, 'ovm_cli_stub.py');
    const cfg = path.join(dir, 'ovm-cli-lab.json');
    fs.writeFileSync(cfg, JSON.stringify({ admin: opts.adminUrl }));
    for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
    for (const command of ['refresh', 'exportVirtualAppliance', 'list', 'show', 'delete'])
      peer.addTool(command, `#!/bin/sh\nexec /usr/bin/python3 '${stub}' '${cfg}' ${command} "$@"\n`);
  }
  return {
    peer,
    settings: { cliPort: peer.port, cliUsername: peer.user, cliHostKey: peer.hostKeyFingerprint },
    setDbBackupConfig: set,
    setReply: (raw) => (raw === undefined ? fs.rmSync(reply, { force: true }) : write(reply, raw)),
    stop: () => peer.stop(),
  };
}
