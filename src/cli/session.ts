// Resolves a connection from the workspace file and its password from the environment or a prompt.
import * as readline from 'node:readline';
import { loadConnections, passwordEnvName, passwordFromEnv } from '../core/connections';
import { ConnectionProfile } from '../core/model';
import { expandProfileHome } from '../core/homePath';
import { Provider } from '../core/provider';
import { createProvider } from '../providers';
import { JobContext } from '../core/job';
import { Progress } from '../core/progress';
import { printable } from './printable';
import { endStatusLines, progressWriter } from './statusLine';

/**
 * The connection `name` (else the first) of the workspace's connections.yaml, `~/` in its key files expanded to the
 * home folder (expandProfileHome); nothing is contacted.
 */
export function connectionProfile(workspace: string, name?: string): ConnectionProfile {
  const { connections, errors } = loadConnections(workspace);
  if (errors.length) throw new Error(`.vmbackup/connections.yaml: ${errors.join('; ')}`);
  const profile: ConnectionProfile | undefined = name ? connections.find((c) => c.name === name) : connections[0];
  if (!profile)
    throw new Error(
      name
        ? `no connection named "${name}" in .vmbackup/connections.yaml`
        : 'no connection in .vmbackup/connections.yaml (run `vmbackup lab` or add one)',
    );
  return expandProfileHome(profile);
}

export async function openProvider(workspace: string, name?: string): Promise<Provider> {
  const profile = connectionProfile(workspace, name);
  const password =
    passwordFromEnv(profile.name) ??
    (await prompt(printable(`Password for ${profile.username} on ${profile.name}: `), passwordEnvName(profile.name)));
  // Oracle VM: the servers' SSH password when no key file is configured (never on the command line).
  const sshPassword = profile.platform === 'oraclevm' ? sshPasswordFromEnv(profile.name) : undefined;
  const provider = await createProvider(profile, { password, ...(sshPassword ? { sshPassword } : {}) });
  await provider.connect();
  return provider;
}

/**
 * Asks on the terminal without echo (stderr); rejects at once when stdin is not a terminal (CI: never hangs), naming
 * the variable that would carry it: `envName` (e.g. VMBACKUP_PASSWORD_VCENTER, core/connections.ts passwordEnvName).
 */
export function prompt(question: string, envName = 'VMBACKUP_PASSWORD_<CONNECTION>'): Promise<string> {
  if (!process.stdin.isTTY) return Promise.reject(new Error(`no password: set ${envName} or VMBACKUP_PASSWORD`));
  endStatusLines();
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/**
 * A job context for the terminal: Ctrl-C aborts; progress and log lines go to stderr (statusLine.ts: on a terminal one
 * status line, erased before the result); warnings stay on lines of their own and are kept for the verb's last line.
 * `subject` (the VM, the backup) starts every progress line, so that a line of bytes says what it is about.
 */
export function terminalContext(
  quiet: boolean,
  subject?: string,
): JobContext & {
  warnings: string[];
  progressOf(label: string): (p: Progress) => void;
  logOf(label: string): (l: string) => void;
} {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const warnings: string[] = [];
  const out = progressWriter(!!process.stderr.isTTY, (s) => process.stderr.write(s), Date.now, process.stderr.columns);
  return {
    signal: controller.signal,
    warnings,
    progress: (p) => {
      if (!quiet) out.progress(p, subject);
    },
    /** Progress of one of several jobs at once, its line started by `label`. */
    progressOf: (label) => (p) => {
      if (!quiet) out.progress(p, label);
    },
    /** A log line of one of several jobs at once, started by `label`. */
    logOf: (label) => (l) => {
      if (!quiet) out.line(l, label);
    },
    log: (l) => {
      if (!quiet) out.line(l);
    },
    warn: (l) => {
      warnings.push(l);
      if (!quiet) out.keep(`warning: ${l}`);
    },
  };
}

/** VMBACKUP_SSH_PASSWORD_<NAME> or VMBACKUP_SSH_PASSWORD: the Oracle VM Servers' and VCB hosts' SSH password. */
export function sshPasswordFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (
    env[passwordEnvName(name).replace(/^VMBACKUP_PASSWORD_/, 'VMBACKUP_SSH_PASSWORD_')] ?? env.VMBACKUP_SSH_PASSWORD
  );
}
