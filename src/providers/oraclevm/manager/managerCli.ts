// The Oracle VM Manager CLI: its own SSH server (`ssh -p 10000 admin@<manager>`, platform-facts.md §3.4) that reads one
// command of its language as the exec line and answers in text (`Command:`, `Status: Success|Failure`, `Time:`,
// `JobId:`, `Data:` / `Error Msg:`). Used for `getDbBackupConfig` (dbBackupRotation.ts) and `refresh Repository`
// (ovmRestore.ts). A command waits for its Manager job to end before it answers (Oracle's MoveVm.sh by Simon Coter reads
// the repository's free space right after `refresh repository name=…`, and runs long commands in the background to poll
// `list job` itself).
import { ConnectionProfile, ManagerHostSettings } from '../../../core/model';
import { ErrorContext, VendorError } from '../../../core/errors';
import { SshSession } from '../../../transport/ssh';
import { printable } from '../ovmErrors';

/** The Manager CLI's SSH port (`ssh -p 10000 admin@<manager>`, platform-facts.md §3.4): `cliPort`'s default. */
export const MANAGER_CLI_PORT = 10000;

/** Where and as whom the CLI is reached; the password stays in the closure. */
export interface ManagerCliAccess {
  /** The connection's name (for SSH error messages). */
  label: string;
  host: string;
  /** Default 10000. */
  port: number;
  username: string;
  /** Pinned `SHA256:…` of the CLI's own host key; undefined: the first connection is refused with the key to pin. */
  hostKey?: string;
  password(): string;
}

/**
 * The CLI settings of a connection's `managerHost` (host default the REST URL's host, port 10000, user the Manager
 * user, its password the Manager password), or undefined when neither `cliHostKey` nor `cliPort` is set (another
 * program may listen on port 10000 of a host: the tool does not guess).
 */
export function managerCliAccess(
  label: string,
  settings: Pick<ManagerHostSettings, 'host' | 'cliPort' | 'cliUsername' | 'cliHostKey'>,
  credentials: { username: string; password: string },
): ManagerCliAccess | undefined {
  if (settings.cliHostKey === undefined && settings.cliPort === undefined) return undefined;
  return {
    label,
    host: settings.host!,
    port: settings.cliPort ?? MANAGER_CLI_PORT,
    username: settings.cliUsername ?? credentials.username,
    hostKey: settings.cliHostKey,
    password: () => credentials.password,
  };
}

/** managerCliAccess of a connection profile (its `managerHost`, if any; host default the REST URL's). */
export function profileCliAccess(profile: ConnectionProfile, password: string): ManagerCliAccess | undefined {
  if (profile.platform !== 'oraclevm' || !profile.managerHost) return undefined;
  return managerCliAccess(
    profile.name,
    { host: new URL(profile.url).hostname, ...profile.managerHost },
    { username: profile.username, password },
  );
}

/**
 * Connects, sends `line` as the exec request (SshSession.execLine: nothing quoted, so `line` must be built from fixed
 * words and checked ids only), and returns stdout and stderr together. Throws the SSH errors (unreachable, key not
 * pinned or changed, login refused), CancelledError, IdleTimeoutError.
 */
export async function runManagerCli(
  access: ManagerCliAccess,
  line: string,
  opts: { signal?: AbortSignal; idleMs?: number; maxOutputBytes?: number } = {},
): Promise<string> {
  const cli = await SshSession.connect(
    {
      label: access.label,
      host: access.host,
      port: access.port,
      username: access.username,
      password: access.password(),
      hostKey: access.hostKey,
      readyTimeoutMs: 20_000,
    },
    opts.signal,
  );
  try {
    const r = await cli.execLine(line, {
      signal: opts.signal,
      idleMs: opts.idleMs ?? 600_000,
      maxOutputBytes: opts.maxOutputBytes ?? 64 * 1024,
    });
    return r.stdout + (r.stderr ? `\n${r.stderr}` : '');
  } finally {
    await cli.close();
  }
}

/** A CLI reply: its `Status:`, `JobId:`, `Error Msg:` lines and the rest (escaped, at most 200 lines read). */
export interface ManagerCliReply {
  /** `Success`, `Failure`, …; undefined when the reply has no `Status:` line. */
  status?: string;
  ok: boolean;
  jobId?: string;
  /** `Error Msg:` texts and any other line after a non-Success status, verbatim but escaped. */
  errors: string[];
  /** The lines after `Data:`, trimmed and escaped. */
  data: string[];
}

/**
 * Parses the reply layout of public CLI logs (platform-facts.md §3.4; pastebin.com/59AiZbNn): `OVM> …` echo lines
 * skipped, `Command:`, `Status:`, `Time:`, `JobId:`, `Data:` then indented lines, `Error Msg:`.
 */
export function parseManagerCliReply(text: string): ManagerCliReply {
  const r: ManagerCliReply = { ok: false, errors: [], data: [] };
  let inData = false;
  for (const raw of text.split(/\r?\n/).slice(0, 200)) {
    const line = raw.trimEnd();
    if (!line.trim() || /^OVM>/.test(line)) continue;
    const head = /^(Command|Status|Time|JobId|Data|Error Msg):\s*(.*)$/.exec(line);
    if (head) {
      if (head[1] === 'Status') r.status = head[2].trim();
      if (head[1] === 'JobId') r.jobId = printable(head[2].trim()).slice(0, 100);
      if (head[1] === 'Error Msg') r.errors.push(printable(head[2]).slice(0, 1000));
      inData = head[1] === 'Data';
      continue;
    }
    if (inData) r.data.push(printable(line.trim()).slice(0, 200));
    else if (r.status && !/^success$/i.test(r.status)) r.errors.push(printable(line.trim()).slice(0, 1000));
  }
  r.ok = r.status !== undefined && /^success$/i.test(r.status);
  if (r.status !== undefined) r.status = printable(r.status).slice(0, 100);
  return r;
}

/** The Manager's code (as in its messages, e.g. `OVMRU_005002E`) in a CLI failure's text. */
const MANAGER_CODE = /\b([A-Z][A-Z0-9]*_[0-9]{4,}[A-Z]?)\b/;

/**
 * Runs one command (runManagerCli) and returns its parsed reply when it says `Status: Success`. Otherwise throws
 * VendorError with the Manager's code found in the `Error Msg:` text (else `MANAGER_CLI_FAILED`) and that text
 * verbatim, escaped, naming the command and the CLI's host and port.
 */
export async function runCliCommand(
  cli: ManagerCliAccess,
  line: string,
  context: ErrorContext,
  opts: { signal?: AbortSignal; idleMs?: number } = {},
): Promise<ManagerCliReply> {
  const reply = parseManagerCliReply(await runManagerCli(cli, line, opts));
  if (!reply.ok) {
    const text =
      reply.errors.join(' ') || `the reply has ${reply.status ? `Status ${reply.status}` : 'no Status line'}`;
    throw new VendorError(
      MANAGER_CODE.exec(text)?.[1] ?? 'MANAGER_CLI_FAILED',
      [`Manager CLI "${line}" at ${cli.host}:${cli.port}: ${text}`],
      context,
    );
  }
  return reply;
}
