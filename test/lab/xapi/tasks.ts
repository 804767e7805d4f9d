// Task objects: pending → success | failure | cancelled, with stepped progress.
import { EPOCH } from './records';
import { NULL_REF, XapiStore, xapiDate } from './store';
import { XapiError } from './errors';
import { valueXml } from './xmlrpcCodec';
import { XapiFaults } from './types';

export interface TaskRun {
  method: string;
  steps?: number;
  /** VM locked by the task (current_operations) and the op name. */
  lock?: { cls: string; ref: string; op: string };
  work: () => unknown;
}

export class TaskManager {
  /** Releases the object a running task holds (its current_operations entry), by task ref. */
  private readonly unlocks = new Map<string, () => void>();

  constructor(
    private store: XapiStore,
    private stepMs: number,
    private faults: XapiFaults,
  ) {}

  create(label: string, description = ''): string {
    return this.store.add('task', {
      uuid: '',
      name_label: label,
      name_description: description,
      created: xapiDate(),
      finished: EPOCH,
      status: 'pending',
      progress: 0,
      type: '<none/>',
      result: '',
      error_info: [],
      other_config: {},
      subtask_of: NULL_REF,
      subtasks: [],
      resident_on: this.store.pool().rec.master,
      allowed_operations: ['cancel'],
      current_operations: {},
    });
  }

  get(ref: string) {
    return this.store.get('task', ref);
  }

  isPending(ref: string): boolean {
    return this.get(ref)?.status === 'pending';
  }

  progress(ref: string, p: number): void {
    const t = this.get(ref);
    if (t && t.status === 'pending') t.progress = Math.min(0.99, Math.max(t.progress, p));
  }

  /** Consumes faults.failNextTask if it targets `method`. */
  takeInjectedFailure(method: string): string[] | undefined {
    const f = this.faults.failNextTask;
    if (f && (f.method === method || `Async.${f.method}` === method || f.method === `Async.${method}`)) {
      this.faults.failNextTask = undefined;
      return f.error;
    }
    return undefined;
  }

  succeed(ref: string, result: unknown): void {
    const t = this.get(ref);
    if (!t || t.status !== 'pending') return;
    t.status = 'success';
    t.progress = 1;
    t.finished = xapiDate();
    t.result = result === undefined || result === '' ? '' : valueXml(result);
    t.allowed_operations = [];
  }

  fail(ref: string, error: string[]): void {
    const t = this.get(ref);
    if (!t || t.status !== 'pending') return;
    t.status = 'failure';
    t.finished = xapiDate();
    t.error_info = error;
    t.allowed_operations = [];
  }

  cancel(ref: string): void {
    const t = this.get(ref);
    if (!t || t.status !== 'pending') return;
    t.status = 'cancelled';
    t.finished = xapiDate();
    t.error_info = ['TASK_CANCELLED', ref];
    t.allowed_operations = [];
    // The cancelled operation unwinds and with_vm_operation's cleanup drops it from current_operations.
    this.unlocks.get(ref)?.();
  }

  /** Runs `work` after `steps` progress ticks; honours cancellation and injected failures. */
  run(ref: string, r: TaskRun): void {
    const steps = r.steps ?? 4;
    const injected = this.takeInjectedFailure(r.method);
    const lockRec = r.lock ? this.store.get(r.lock.cls, r.lock.ref) : undefined;
    if (lockRec && r.lock) {
      lockRec.current_operations[ref] = r.lock.op;
    }
    const unlock = (): void => {
      this.unlocks.delete(ref);
      if (lockRec) {
        delete lockRec.current_operations[ref];
      }
    };
    this.unlocks.set(ref, unlock);
    let i = 0;
    const tick = (): void => {
      if (!this.isPending(ref)) {
        unlock();
        return;
      }
      i++;
      if (i < steps) {
        this.progress(ref, i / steps);
        setTimeout(tick, this.stepMs).unref();
        return;
      }
      unlock();
      if (injected) {
        this.fail(ref, injected);
        return;
      }
      try {
        this.succeed(ref, r.work());
      } catch (e) {
        this.fail(ref, e instanceof XapiError ? e.toArray() : ['INTERNAL_ERROR', String(e)]);
      }
    };
    setTimeout(tick, this.stepMs).unref();
  }
}
