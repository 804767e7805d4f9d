// A real OpenSSH server for tests: its own sshd on 127.0.0.1, a fresh host key, a throw-away user, stub tools on PATH.
// Recipe: shared/reference/real-peers.md §3 (Debian openssh-server 9.2p1; StrictModes no, UsePAM no, useradd -p '*',
// internal-sftp, SetEnv PATH). Needs root (useradd, sshd) and test/peers/openssh/install.sh run once.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tempDir } from '../../tempDir';

export interface SshdPeer {
  host: string;
  port: number;
  user: string;
  /** The user's password (password authentication) and its private key (key authentication, OpenSSH format). */
  password: string;
  privateKey: Buffer;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it (SHA256:…), read from ssh-keygen itself. */
  hostKeyFingerprint: string;
  /** The peer's folder: `bin/` (first on the user's PATH), `files/` (readable by the user), sshd's log. */
  dir: string;
  bin: string;
  files: string;
  /** Writes an executable stub into bin/. */
  addTool(name: string, script: string): void;
  /** sshd's own log (-E), for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdPeerOptions {
  /** A different host key than the first start's: for "the key changed" tests, start a second peer. */
  keyType?: 'ed25519' | 'ecdsa';
}

/** Starts sshd in the foreground (-D) on an ephemeral loopback port; `stop()` ends it by its pid and removes the user. */
export async function startSshdPeer(opts: SshdPeerOptions = {}): Promise<SshdPeer> {
  if (!fs.existsSync('/usr/sbin/sshd'))
    throw new Error('OpenSSH server missing: run test/peers/openssh/install.sh (as root)');
  fs.mkdirSync('/run/sshd', { recursive: true });
  const dir = tempDir('vmbackup-sshd-');
  fs.chmodSync(dir, 0o755);
  const bin = path.join(dir, 'bin');
  const files = path.join(dir, 'files');
  fs.mkdirSync(bin, { mode: 0o755 });
  fs.mkdirSync(files, { mode: 0o755 });
  // The user's TMPDIR (sshd resets the environment): what its tools put in a temporary folder goes with the peer's folder.
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp, { mode: 0o700 });
  const user = `vmbk${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const hostKey = path.join(dir, 'host_key');
  execFileSync('ssh-keygen', ['-q', '-t', opts.keyType ?? 'ed25519', '-N', '', '-f', hostKey]);
  const clientKey = path.join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  const authorized = path.join(dir, 'authorized_keys');
  fs.copyFileSync(clientKey + '.pub', authorized);
  fs.chmodSync(authorized, 0o644);
  execFileSync('useradd', ['-M', '-d', dir, '-s', '/bin/sh', '-p', '*', user]);
  execFileSync('chown', [user, files, tmp]);
  execFileSync('chpasswd', [], { input: `${user}:${password}\n` });
  const port = await freePort();
  const logFile = path.join(dir, 'sshd.log');
  const cfg = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    cfg,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      `StrictModes no`,
      `UsePAM no`,
      `PasswordAuthentication yes`,
      `PubkeyAuthentication yes`,
      `KbdInteractiveAuthentication no`,
      `AllowUsers ${user}`,
      `Subsystem sftp internal-sftp`,
      `SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin TMPDIR=${tmp}`,
      `PermitRootLogin no`,
      `LogLevel VERBOSE`,
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], {
    stdio: ['ignore', 'ignore', fs.openSync(logFile, 'a')],
  });
  const removeUser = () => {
    try {
      execFileSync('userdel', ['-f', user], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  };
  try {
    await waitListening(port, proc, logFile);
  } catch (e) {
    proc.kill('SIGTERM');
    removeUser();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const fingerprint = execFileSync('ssh-keygen', ['-lf', hostKey + '.pub'], { encoding: 'utf8' }).split(/\s+/)[1];
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    privateKey: fs.readFileSync(clientKey),
    hostKeyFingerprint: fingerprint,
    dir,
    bin,
    files,
    addTool(name, script) {
      const f = path.join(bin, name);
      fs.writeFileSync(f, script);
      fs.chmodSync(f, 0o755);
    },
    log: () => fs.readFileSync(logFile, 'utf8'),
    async stop() {
      // sshd may be gone already: a terminal's Ctrl-C signals the whole process group, so sshd dies of the SIGINT
      // (exitCode stays null, signalCode is set) or is reaped before this runs (kill then fails with ESRCH). Either
      // way the user and the folder (host key, client keys) are still removed.
      try {
        await endChild(proc);
      } finally {
        removeUser();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Ends a child process with SIGTERM and waits for its exit; resolves at once when it has exited (by code or signal)
 * and tolerates ESRCH (it died between the check and the kill).
 */
export async function endChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  try {
    process.kill(proc.pid, 'SIGTERM');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw e;
  }
  await gone;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Polls until sshd accepts TCP (up to 30 s: the machine is shared); fails early if sshd exited. */
async function waitListening(port: number, proc: ChildProcess, logFile: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null)
      throw new Error(`sshd exited with ${proc.exitCode}: ${fs.readFileSync(logFile, 'utf8')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('data', () => {
        c.destroy();
        resolve(true);
      }); // the SSH banner: sshd is serving
      c.once('error', () => resolve(false));
      c.setTimeout(1000, () => {
        c.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${port}: ${fs.readFileSync(logFile, 'utf8')}`);
}
