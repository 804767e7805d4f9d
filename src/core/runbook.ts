// A guided runbook: steps run in order with live output, a confirmation before each destructive one, each step's
// result recorded durably in the repository so a run interrupted at any step (cancel, failure, kill) can be resumed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CancelledError, isCancel, throwIfAborted } from './errors';
import { writeJsonDurably } from './durableJson';
import { processAlive } from './journal';
import { mask } from './secrets';

/** What a step's `run` and `verify` get: the runbook's own context plus the signal and the live output. */
export type StepContext<C> = C & {
  signal: AbortSignal;
  /** Live output of the step (a remote tool's stdout/stderr, a state the step waits in). */
  output(text: string): void;
};

/**
 * One step. `destructive` steps run only after `host.confirm` said yes (`warning` is what the user is asked to agree
 * to). `manual` steps are done by the operator (the product shows `warning` and waits for their confirmation; `--yes`
 * does not answer them). `run` returns a one-line result, recorded. `verify` says whether the step's effect is in
 * place: after `run` (false → the step failed) and, when resuming a step that was interrupted while running, before
 * running it again (true → recorded as done without re-running).
 */
export interface RunbookStep<C> {
  /** Stable id, recorded in the state file (never shown alone). */
  id: string;
  title: string;
  /** The vendor source the step follows (guide section). */
  source?: string;
  destructive?: boolean;
  /**
   * Once started, runs to its end even when the run is cancelled (the cancel takes effect before the next step): for a
   * step that is worse half-done than done, and whose remote program goes on without us anyway (RestoreDatabase.sh
   * deletes the database before it restores one). Its result is recorded as it is.
   */
  atomic?: boolean;
  manual?: boolean;
  warning?: string;
  run(ctx: StepContext<C>): Promise<string | void>;
  verify?(ctx: StepContext<C>): Promise<boolean>;
}

export interface Runbook<C> {
  /** Stable name (`ovm-manager-restore`), recorded in the state file. */
  name: string;
  title: string;
  steps: RunbookStep<C>[];
}

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'declined';
/** `abandoned`: given up by the user to start over (RunOptions.abandon); no longer unfinished. */
export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'declined' | 'abandoned';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  result?: string;
  error?: string;
  /** How many times the step was started (a resumed step runs again). */
  attempts: number;
}

/** `<repository>/.vmbackup/runbooks/<id>.json`: one run of a runbook, rewritten durably after every change. */
export interface RunbookState {
  format: 'vmbackup-runbook/1';
  id: string;
  runbook: string;
  title: string;
  /** What the run is about (connection and backup), the key a resume looks for. */
  subject: string;
  params: Record<string, string>;
  status: RunStatus;
  owner: { host: string; pid: number };
  createdAt: string;
  updatedAt: string;
  steps: StepRecord[];
}

/** What the runbook talks to: the user (confirmations), the live output, the progress of the steps. */
export interface RunbookHost {
  /** Asks before a destructive or manual step; false stops the run (declined, resumable). May throw to refuse. */
  confirm(step: { id: string; title: string; warning?: string; manual: boolean }): Promise<boolean>;
  output(text: string): void;
  /** Each step as it starts and ends. */
  onStep?(step: StepRecord, index: number, total: number): void;
}

export interface RunOptions {
  /** The repository whose `.vmbackup/runbooks/` keeps the state. */
  repository: string;
  subject: string;
  params: Record<string, string>;
  /** Continue the unfinished run of this runbook for this subject (its done steps are not run again). */
  resume?: boolean;
  /** Give up the unfinished run of this runbook for this subject (recorded as abandoned) and start a new one. */
  abandon?: boolean;
  signal?: AbortSignal;
}

/** A new run refused because one for the same subject is unfinished (`state`): resume it, or abandon it. */
export class UnfinishedRunError extends Error {
  constructor(
    message: string,
    readonly state: RunbookState,
  ) {
    super(message);
    this.name = 'UnfinishedRunError';
  }
}

export class RunbookError extends Error {
  constructor(
    message: string,
    readonly state: RunbookState,
  ) {
    super(message);
    this.name = 'RunbookError';
  }
}

/** Ids of the runs going on in this process (a second resume of one of them is refused). */
const live = new Set<string>();

/** The folder of a repository's runbook states. */
export function runbookDir(repository: string): string {
  return path.join(repository, '.vmbackup', 'runbooks');
}

/** Writes a run's state durably (`<runbookDir>/<id>.json`), stamped with the time. */
async function saveState(repository: string, state: RunbookState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await writeJsonDurably(path.join(runbookDir(repository), `${state.id}.json`), state);
}

/** A run still going on — in this process, or in a live process of this host — is neither resumed nor abandoned. */
function refuseIfRunning(book: { title: string }, state: RunbookState): void {
  const elsewhere =
    state.owner.host === os.hostname() &&
    state.owner.pid !== process.pid &&
    state.status === 'running' &&
    processAlive(state.owner.pid);
  if (elsewhere || live.has(state.id))
    throw new Error(`${book.title}: the run ${state.id} is still running in process ${state.owner.pid}`);
}

/** Every readable run state of the repository, oldest first. */
export function listRunbookStates(repository: string): RunbookState[] {
  const dir = runbookDir(repository);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: RunbookState[] = [];
  for (const n of names) {
    try {
      const s = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as RunbookState;
      if (s?.format === 'vmbackup-runbook/1' && `${s.id}.json` === n && Array.isArray(s.steps)) out.push(s);
    } catch {
      /* not a state file of ours */
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The unfinished run (not done) of `runbook` for `subject`, if there is one. */
export function unfinishedRun(repository: string, runbook: string, subject: string): RunbookState | undefined {
  return listRunbookStates(repository)
    .filter((s) => s.runbook === runbook && s.subject === subject && s.status !== 'done' && s.status !== 'abandoned')
    .pop();
}

/**
 * Runs `book` from its first step, or (`resume`) from where its unfinished run for the same subject stopped: done
 * steps are skipped; a step found `running` (the process died in it) is verified first and re-run when its effect is
 * not in place; failed, cancelled and declined steps run again. A new run is refused while an unfinished one exists
 * (it would lose the record of what was done), and a resume is refused when another live process owns the run or the
 * parameters differ.
 * @returns the final state (status done).
 * @throws RunbookError (with the state) when a step failed or was declined; CancelledError on abort — both after the
 * state was recorded.
 */
export async function runRunbook<C>(
  book: Runbook<C>,
  context: C,
  host: RunbookHost,
  opts: RunOptions,
): Promise<RunbookState> {
  const signal = opts.signal ?? new AbortController().signal;
  const existing = unfinishedRun(opts.repository, book.name, opts.subject);
  let state: RunbookState;
  if (opts.resume) {
    if (!existing) throw new Error(`${book.title}: no unfinished run for ${opts.subject} to resume`);
    refuseIfRunning(book, existing);
    const differs = Object.keys({ ...existing.params, ...opts.params }).filter(
      (k) => existing.params[k] !== opts.params[k],
    );
    if (differs.length)
      throw new Error(
        `${book.title}: the unfinished run ${existing.id} was started with other parameters (${differs.join(', ')}): resume it with the same ones`,
      );
    state = existing;
    state.owner = { host: os.hostname(), pid: process.pid };
    state.status = 'running';
  } else {
    if (existing && opts.abandon) {
      refuseIfRunning(book, existing);
      existing.status = 'abandoned';
      await saveState(opts.repository, existing);
    } else if (existing) {
      const at = existing.steps.find((s) => s.status !== 'done');
      throw new UnfinishedRunError(
        `${book.title}: an unfinished run for ${opts.subject} exists (${existing.id}, ${existing.params.backup ? `backup ${existing.params.backup}, ` : ''}stopped at "${at?.title ?? '?'}", ${at?.status ?? existing.status}): resume it, or abandon it to start over`,
        existing,
      );
    }
    const now = new Date().toISOString();
    state = {
      format: 'vmbackup-runbook/1',
      id: randomUUID(),
      runbook: book.name,
      title: book.title,
      subject: opts.subject,
      params: opts.params,
      status: 'running',
      owner: { host: os.hostname(), pid: process.pid },
      createdAt: now,
      updatedAt: now,
      steps: book.steps.map((s) => ({ id: s.id, title: s.title, status: 'pending', attempts: 0 })),
    };
  }
  live.add(state.id);
  try {
    return await runSteps(book, context, host, state, signal, opts.repository);
  } finally {
    live.delete(state.id);
  }
}

async function runSteps<C>(
  book: Runbook<C>,
  context: C,
  host: RunbookHost,
  state: RunbookState,
  signal: AbortSignal,
  repository: string,
): Promise<RunbookState> {
  const save = () => saveState(repository, state);
  await save();
  const ctx = { ...context, signal, output: (t: string) => host.output(t) } as StepContext<C>;
  const total = book.steps.length;
  for (let i = 0; i < total; i++) {
    const step = book.steps[i];
    let rec = state.steps.find((r) => r.id === step.id);
    if (!rec) {
      rec = { id: step.id, title: step.title, status: 'pending', attempts: 0 };
      state.steps.splice(i, 0, rec);
    }
    if (rec.status === 'done') {
      host.output(`— step ${i + 1}/${total} ${step.title}: done before (${rec.result ?? 'ok'})\n`);
      continue;
    }
    const end = async (status: StepStatus, what: { result?: string; error?: string }) => {
      rec.status = status;
      rec.endedAt = new Date().toISOString();
      rec.result = what.result;
      rec.error = what.error === undefined ? undefined : mask(what.error);
      if (status === 'failed' || status === 'cancelled' || status === 'declined') state.status = status;
      await save();
      host.onStep?.(rec, i, total);
    };
    try {
      throwIfAborted(signal);
      if (rec.status === 'running') {
        host.output(
          `— step ${i + 1}/${total} ${step.title}: interrupted while running; ${step.verify ? 'checking whether it took effect' : 'it runs again'}\n`,
        );
        if (step.verify && (await step.verify(ctx))) {
          await end('done', { result: 'in place (checked after the interruption)' });
          continue;
        }
      }
      if (step.destructive || step.manual) {
        const yes = await host.confirm({
          id: step.id,
          title: step.title,
          warning: step.warning,
          manual: !!step.manual,
        });
        if (!yes) {
          await end('declined', { error: 'not confirmed' });
          throw new RunbookError(
            `${book.title}: step "${step.title}" was not confirmed; nothing of it was done`,
            state,
          );
        }
      }
      throwIfAborted(signal);
      rec.status = 'running';
      rec.startedAt = new Date().toISOString();
      rec.endedAt = rec.error = rec.result = undefined;
      rec.attempts++;
      await save();
      host.onStep?.(rec, i, total);
      host.output(`— step ${i + 1}/${total} ${step.title}${step.source ? ` (${step.source})` : ''}\n`);
      // An atomic step runs on a signal of its own: a cancel now is said, and takes effect before the next step.
      const stepCtx = step.atomic ? { ...ctx, signal: new AbortController().signal } : ctx;
      const told = () =>
        host.output(`\ncancel asked: "${step.title}" is not interrupted once started; the run stops after it\n`);
      if (step.atomic) {
        throwIfAborted(signal); // not started yet: a cancel now still stops it
        signal.addEventListener('abort', told, { once: true });
      }
      let result: string;
      try {
        result = (await step.run(stepCtx)) ?? 'ok';
        if (!step.atomic) throwIfAborted(signal);
        if (step.verify && !(await step.verify(stepCtx)))
          throw new Error(`${step.title}: finished, but its check found the effect not in place`);
      } finally {
        signal.removeEventListener('abort', told);
      }
      await end('done', { result });
    } catch (err) {
      if (err instanceof RunbookError) throw err;
      if (isCancel(err) || (signal.aborted && !step.atomic)) {
        await end('cancelled', { error: 'cancelled' });
        throw new CancelledError();
      }
      await end('failed', { error: (err as Error).message ?? String(err) });
      throw new RunbookError(`${book.title}: step "${step.title}" failed: ${(err as Error).message}`, state);
    }
  }
  state.status = 'done';
  await save();
  return state;
}

/** One line per step for a report: `✓ 2/5 Stop the services: ok`. */
export function describeRun(state: RunbookState): string {
  const mark: Record<StepStatus, string> = {
    pending: '·',
    running: '…',
    done: '✓',
    failed: '✗',
    cancelled: '■',
    declined: '■',
  };
  return state.steps
    .map(
      (s, i) =>
        `${mark[s.status]} ${i + 1}/${state.steps.length} ${s.title}: ${s.status}${s.result ? ` — ${s.result}` : ''}${s.error ? ` — ${s.error}` : ''}`,
    )
    .join('\n');
}
