// Queues jobs with a per-host concurrency limit and keeps a persisted history.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorContext } from './errors';
import { Job, JobBody, JobRecord } from './job';

export interface JobManagerOptions { historyFile?: string; concurrencyPerHost?: number; maxHistory?: number }

export class JobManager extends EventEmitter {
  private readonly active: Job[] = [];
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly running = new Map<string, number>();
  private history: JobRecord[] = [];

  constructor(private readonly options: JobManagerOptions = {}) {
    super();
    this.history = loadHistory(options.historyFile);
  }

  get jobs(): Job[] { return [...this.active]; }
  get finished(): JobRecord[] { return [...this.history]; }
  find(id: string): Job | undefined { return this.active.find((j) => j.record.id === id); }

  /** Starts a job once a slot on its host is free. The promise settles with the body's outcome. */
  run<T>(title: string, kind: string, context: ErrorContext, hostKey: string, body: JobBody<T>, limit?: number): { job: Job<T>; done: Promise<T> } {
    const job = new Job<T>(title, kind, context, hostKey);
    this.active.push(job);
    job.on('change', () => this.emit('change', job));
    this.emit('change', job);
    const done = this.acquire(hostKey, job.signal, limit).then(() => job.execute(body)).finally(() => {
      this.release(hostKey);
      this.active.splice(this.active.indexOf(job), 1);
      this.remember(job.record);
      this.emit('change', job);
    });
    done.catch(() => undefined);
    return { job, done };
  }

  cancelAll(): void { for (const j of this.active) j.cancel(); }

  /** `limit`: the connection's concurrencyPerHost, else the manager's default. */
  private acquire(key: string, signal: AbortSignal, perHost?: number): Promise<void> {
    const limit = perHost ?? this.options.concurrencyPerHost ?? 2;
    if ((this.running.get(key) ?? 0) < limit) { this.running.set(key, (this.running.get(key) ?? 0) + 1); return Promise.resolve(); }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      const start = () => { this.running.set(key, (this.running.get(key) ?? 0) + 1); resolve(); };
      queue.push(start);
      this.waiting.set(key, queue);
      // A job cancelled while queued still runs its body, which sees the aborted signal and ends as cancelled at once.
      signal.addEventListener('abort', () => { const i = queue.indexOf(start); if (i >= 0) { queue.splice(i, 1); start(); } }, { once: true });
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

function loadHistory(file?: string): JobRecord[] {
  if (!file || !fs.existsSync(file)) return [];
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(data) ? data : [];
  } catch { return []; }
}
