// The Oracle VM Manager CLI (its own SSH server on port 10000 in a real Manager) as a second real OpenSSH peer whose
// user logs in with the Manager password: `getDbBackupConfig` answers the automatic backups' interval and number kept
// from a state file the test sets, in the CLI's text reply layout (README.md here: which parts are assumed).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SshdPeer, startSshdPeer } from '../openssh/sshdPeer';

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

/** Starts the CLI peer; `password` becomes its user's password (the CLI authenticates Manager users). */
export async function startOvmCli(password: string): Promise<OvmCliPeer> {
  const peer = await startSshdPeer();
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
  return {
    peer,
    settings: { cliPort: peer.port, cliUsername: peer.user, cliHostKey: peer.hostKeyFingerprint },
    setDbBackupConfig: set,
    setReply: (raw) => (raw === undefined ? fs.rmSync(reply, { force: true }) : write(reply, raw)),
    stop: () => peer.stop(),
  };
}
