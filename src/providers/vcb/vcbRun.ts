// Runs one VCB tool over SSH as a job step: its questions answered on the channel (the vCenter password when
// backuptools.conf has none, others by the caller or refused), its lines in the job log, an idle limit fed by its
// output and by what its destination holds, cancel = kill of its process group (SshSession.exec).
import { JobContext } from '../../core/job';
import { CancelledError, describeContext, ErrorContext } from '../../core/errors';
import { escapeControlChars } from '../../core/controlChars';
import { mask } from '../../core/secrets';
import { ExecResult, SshSession } from '../../transport/ssh';
import { IdleTimeoutError } from '../../transport/idleLimit';
import { VcbSettings } from './vcbRecords';

/** A VCB tool exited non-zero: the program, its exit code and its last error line verbatim (the vendor's message). */
export class VcbToolError extends Error {
  readonly code: string;
  constructor(
    where: string,
    readonly program: string,
    readonly exitCode: number | null,
    readonly toolMessage: string,
  ) {
    super(
      `${where}: ${program} ${exitCode === null ? 'was killed' : `exited with ${exitCode}`}${toolMessage ? `: ${toolMessage}` : ''}`,
    );
    this.name = 'VcbToolError';
    this.code = `VCB_${program}_EXIT_${exitCode ?? 'KILLED'}`;
  }
}

export interface RunToolOptions {
  ctx: JobContext;
  context: ErrorContext;
  settings: VcbSettings;
  /** The vCenter password, for the tool's password prompt when backuptools.conf has no PASSWORD. */
  password?: string;
  /** Other questions (vcbRestore -b prompt, vcbCleanup without -y): the caller's answer, or undefined to end the tool. */
  answer?: (question: string) => Promise<string | undefined>;
  /** Fails the step when neither output nor `progress()` moved for this long, ms. */
  idleMs: number;
  /** Polled every `pollMs` while the tool runs: a growing number (bytes at the destination) counts as activity. */
  progress?: () => Promise<number | undefined>;
  pollMs?: number;
}

/** The tool's question asks for a password (wording not documented, platform-facts §4f: only the word is relied on). */
export function isPasswordQuestion(q: string): boolean {
  return /pass(word|wd|phrase)/i.test(q);
}

/**
 * Runs argv (argv[0] a VCB tool) and resolves with its result when it exited 0.
 * @throws VcbToolError (non-zero exit, with the tool's last error line), CancelledError, IdleTimeoutError,
 *   UnansweredPromptError (a question nobody answered: the tool was ended, never left waiting).
 */
export async function runTool(ssh: SshSession, argv: string[], o: RunToolOptions): Promise<ExecResult> {
  const where = describeContext(o.context);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.ctx.signal.addEventListener('abort', onAbort, { once: true });
  let idleError: Error | undefined;
  let last = Date.now();
  let lastSize: number | undefined;
  const touch = () => (last = Date.now());
  const poll = setInterval(
    () => {
      if (Date.now() - last > o.idleMs) {
        idleError = new IdleTimeoutError(`${where}: ${argv[0]}`, o.idleMs);
        stop.abort();
        return;
      }
      o.progress?.().then(
        (n) => {
          if (n !== undefined && n !== lastSize) {
            lastSize = n;
            touch();
          }
        },
        () => undefined,
      );
    },
    Math.min(o.pollMs ?? 1000, o.idleMs),
  );
  let lineBuf = '';
  try {
    const r = await ssh.exec(argv, {
      signal: stop.signal,
      idleMs: 30 * 24 * 3600_000, // the step's own idle limit above counts the destination's growth too
      onOutput: (text) => {
        touch();
        lineBuf += text;
        const lines = lineBuf.split('\n');
        lineBuf = lines.pop()!.slice(-4096);
        for (const l of lines) if (l.trim()) o.ctx.log(`${argv[0]}: ${mask(escapeControlChars(l.slice(0, 2000)))}`);
      },
      onPrompt: async (question) => {
        touch();
        const q = escapeControlChars(question);
        if (isPasswordQuestion(question)) {
          if (!o.settings.hasPassword && o.password !== undefined) {
            o.ctx.log(`${argv[0]} asked for the password: answered on the channel (${q})`);
            return o.password;
          }
          o.ctx.log(
            `${argv[0]} asked for a password (${q}); not answered: set PASSWORD in backuptools.conf (mode 600)`,
          );
          return undefined;
        }
        if (!o.answer) {
          o.ctx.log(`${argv[0]} asked ${JSON.stringify(q)}; no answer to give: the tool is ended`);
          return undefined;
        }
        const a = await o.answer(question);
        o.ctx.log(
          `${argv[0]} asked ${JSON.stringify(q)}: ${a === undefined ? 'no answer, the tool is ended' : `answered ${JSON.stringify(a)}`}`,
        );
        return a;
      },
    });
    if (r.code !== 0) throw new VcbToolError(where, argv[0], r.code, lastErrorLine(r.stderr || r.stdout));
    return r;
  } catch (e) {
    if (e instanceof CancelledError && idleError) throw idleError;
    throw e;
  } finally {
    clearInterval(poll);
    o.ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** The tool's last line that says error (vmacore `[… error] …` lines, platform-facts §4d), else its last line. */
export function lastErrorLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = [...lines].reverse().find((l) => /\berror\b/i.test(l)) ?? lines[lines.length - 1] ?? '';
  return mask(escapeControlChars(err.slice(0, 2000)));
}
