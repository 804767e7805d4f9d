// Queues jobs with a per-host concurrency limit and keeps a persisted history.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorContext } from './errors';
import { Job, JobBody, JobRecord } from './job';

export interface JobManagerOptions {
  historyFile?: string;
  concurrencyPerHost?: number;
  maxHistory?: number;
}

export class JobManager extends EventEmitter {
  private readonly active: Job[] = [];
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly running = new Map<string, number>();
  private history: JobRecord[] = [];
  /** Set when the history file could not be read: it was kept aside (renamed) and the manager started empty. Say it once. */
  readonly historyProblem?: string;

  constructor(private readonly options: JobManagerOptions = {}) {
    super();
    const loaded = loadHistory(options.historyFile);
    this.history = loaded.history;
    this.historyProblem = loaded.problem;
  }

  get jobs(): Job[] {
    return [...this.active];
  }
  get finished(): JobRecord[] {
    return [...this.history];
  }
  find(id: string): Job | undefined {
    return this.active.find((j) => j.record.id === id);
  }

  /** Starts a job once a slot on its host is free. The promise settles with the body's outcome. */
  run<T>(
    title: string,
    kind: string,
    context: ErrorContext,
    hostKey: string,
    body: JobBody<T>,
    limit?: number,
  ): { job: Job<T>; done: Promise<T> } {
    const job = new Job<T>(title, kind, context, hostKey);
    this.active.push(job);
    job.on('change', () => this.emit('change', job));
    this.emit('change', job);
    const done = this.acquire(hostKey, job.signal, limit)
      .then(() => job.execute(body))
      .finally(() => {
        this.release(hostKey);
        this.active.splice(this.active.indexOf(job), 1);
        this.remember(job.record);
        this.emit('change', job);
      });
    done.catch(() => undefined);
    return { job, done };
  }

  cancelAll(): void {
    for (const j of this.active) j.cancel();
  }

  /** `limit`: the connection's concurrencyPerHost, else the manager's default. */
  private acquire(key: string, signal: AbortSignal, perHost?: number): Promise<void> {
    const limit = perHost ?? this.options.concurrencyPerHost ?? 2;
    if ((this.running.get(key) ?? 0) < limit) {
      this.running.set(key, (this.running.get(key) ?? 0) + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      const start = () => {
        this.running.set(key, (this.running.get(key) ?? 0) + 1);
        resolve();
      };
      queue.push(start);
      this.waiting.set(key, queue);
      // A job cancelled while queued still runs its body, which sees the aborted signal and ends as cancelled at once.
      signal.addEventListener(
        'abort',
        () => {
          const i = queue.indexOf(start);
          if (i >= 0) {
            queue.splice(i, 1);
            start();
          }
        },
        { once: true },
      );
    });
  }

  private release(key: string): void {
    this.running.set(key, Math.max(0, (this.running.get(key) ?? 1) - 1));
    this.waiting.get(key)?.shift()?.();
  }

  private remember(record: JobRecord): void {
    this.history.unshift(record);
    this.history = this.history.slice(0, this.options.maxHistory ?? 200);
    const file = this.options.historyFile;
    if (!file) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file + '.tmp', JSON.stringify(this.history, null, 1));
    fs.renameSync(file + '.tmp', file);
  }
}

/**
 * Reads the persisted history. A file that is not a JSON array of records is never overwritten: it is renamed to
 * `<file>.corrupt-<time>` and the problem is returned so the caller can say so once.
 */
function loadHistory(file?: string): { history: JobRecord[]; problem?: string } {
  if (!file || !fs.existsSync(file)) return { history: [] };
  let reason: string;
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Array.isArray(data) && data.every(isRecord)) return { history: data };
    reason = Array.isArray(data) ? 'it holds entries that are not job records' : 'it is not a list of jobs';
  } catch (e) {
    reason = (e as Error).message;
  }
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '')}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    return {
      history: [],
      problem: `job history ${file} is unreadable (${reason}) and could not be kept aside (${(e as Error).message}); starting with an empty history`,
    };
  }
  return {
    history: [],
    problem: `job history ${file} was unreadable (${reason}): kept as ${aside}, starting with an empty history`,
  };
}

function isRecord(x: unknown): x is JobRecord {
  const r = x as JobRecord;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.id === 'string' &&
    typeof r.state === 'string' &&
    typeof r.title === 'string' &&
    Array.isArray(r.log)
  );
}
