// A long operation: state, progress, log, vendor error, cancel.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { ErrorContext, VendorError, isCancel } from './errors';
import { Progress, formatProgress } from './progress';
import { PinRequest, pinRequestFromError } from './pinRequest';
import { mask } from './secrets';

/** `succeeded-with-warnings`: the job's result is good, but something it should have tidied is left (its `warnings` say what). */
export type JobState = 'queued' | 'running' | 'succeeded' | 'succeeded-with-warnings' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  title: string;
  kind: string;
  context: ErrorContext;
  state: JobState;
  progress?: Progress;
  log: string[];
  result?: unknown;
  /** What the job could not tidy up (e.g. a temporary snapshot's disk left for cleanup); makes it succeeded-with-warnings. */
  warnings?: string[];
  /** `untrusted`: the failure was a refused certificate (or SSH host key) the user may pin (PinRequest). */
  error?: { message: string; code?: string; params?: string[]; untrusted?: PinRequest };
  created: string;
  started?: string;
  finished?: string;
  /** A child job's parent (a VCB group run: one child per VM under the vcbSnapAll / vcbResAll job). */
  parentId?: string;
}

export interface JobContext {
  signal: AbortSignal;
  progress(p: Progress): void;
  log(line: string): void;
  /** Something is left undone although the result is good: the job ends succeeded-with-warnings, naming it. */
  warn?(line: string): void;
}

/** Reports a warning through the context, or as a log line when the context takes no warnings. */
export function warn(ctx: JobContext, line: string): void {
  if (ctx.warn) ctx.warn(line);
  else ctx.log(`warning: ${line}`);
}

export type JobBody<T> = (ctx: JobContext) => Promise<T>;

export class Job<T = unknown> extends EventEmitter {
  readonly record: JobRecord;
  private readonly controller = new AbortController();
  private lastLoggedFraction = -1;

  constructor(
    title: string,
    kind: string,
    context: ErrorContext,
    readonly hostKey: string,
  ) {
    super();
    this.record = {
      id: randomUUID(),
      title,
      kind,
      context,
      state: 'queued',
      log: [],
      created: new Date().toISOString(),
    };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get state(): JobState {
    return this.record.state;
  }
  get finished(): boolean {
    return !['queued', 'running'].includes(this.record.state);
  }

  cancel(): void {
    if (this.finished) return;
    this.log('cancel requested');
    this.controller.abort();
  }

  log(line: string): void {
    this.record.log.push(`${new Date().toISOString()} ${mask(line)}`);
    this.emit('change', this);
  }

  warn(line: string): void {
    (this.record.warnings ??= []).push(mask(line));
    this.log(`warning: ${line}`);
  }

  setProgress(p: Progress): void {
    this.record.progress = p;
    const f = p.fraction ?? 0;
    if (f - this.lastLoggedFraction >= 0.25) {
      this.lastLoggedFraction = f;
      this.log(formatProgress(p));
    }
    this.emit('change', this);
  }

  /** Runs the body; never throws: the outcome is in the record and the returned promise of run(). */
  async execute(body: JobBody<T>): Promise<T> {
    this.record.state = 'running';
    this.record.started = new Date().toISOString();
    this.emit('change', this);
    try {
      const result = await body({
        signal: this.signal,
        progress: (p) => this.setProgress(p),
        log: (l) => this.log(l),
        warn: (l) => this.warn(l),
      });
      this.record.result = result;
      this.settle(this.record.warnings?.length ? 'succeeded-with-warnings' : 'succeeded');
      return result;
    } catch (err) {
      if (isCancel(err) || this.signal.aborted) {
        this.settle('cancelled');
      } else {
        const e = err as Error;
        this.record.error = { message: mask(e.message ?? String(err)) };
        if (err instanceof VendorError) {
          this.record.error.code = err.code;
          this.record.error.params = err.params.map(mask);
        }
        const untrusted = pinRequestFromError(err, this.record.context.connection);
        if (untrusted) {
          this.record.error.code = (err as { code?: string }).code;
          this.record.error.untrusted = untrusted;
        }
        this.log(`failed: ${this.record.error.message}`);
        this.settle('failed');
      }
      throw err;
    }
  }

  private settle(state: JobState): void {
    this.record.state = state;
    this.record.finished = new Date().toISOString();
    this.log(state);
    this.emit('done', this);
  }
}
