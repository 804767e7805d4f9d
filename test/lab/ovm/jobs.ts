// Manager jobs: every write returns one at once; it runs its steps on a timer, RUNNING → SUCCESS | FAILURE.
import { JobObj, Ref, base } from './model';
import { OvmStore } from './store';

/** Raised by a step: the job fails with this text as `error.message` (Java exception style, see errors.ts). */
export class JobFailure extends Error {
  constructor(
    readonly javaMessage: string,
    readonly wsErrorCode: string | null = null,
  ) {
    super(javaMessage);
  }
}

/** One unit of a job's work: its progress message, then what it does. */
export interface JobStep {
  message: string;
  run(): void;
  /** What the step started and the job waits for before its next step (e.g. a file being written); rejects → FAILURE. */
  wait?: () => Promise<void>;
}

export interface JobPlan {
  name: string;
  steps: JobStep[];
  /** The created or affected object, as `resultId` on success. */
  result?: () => Ref | null;
  /** Undoes what the steps did, on failure or abort (*assumed*: the lab rolls a failed clone back). */
  rollback?: () => void;
}

/** Test-only faults: make the job whose name matches fail before its `atStep`-th step (0-based). */
export interface JobFault {
  match: string;
  atStep: number;
  message: string;
  wsErrorCode?: string;
}

export class JobRunner {
  faults: JobFault[] = [];
  /** Test hook: called with each job as it is created, before the write that made it is answered. */
  onStart?: (job: JobObj) => void;
  private readonly aborts = new Set<string>();
  private seq = 0;

  constructor(
    private readonly store: OvmStore,
    private readonly stepMs: number,
    private readonly running: () => boolean,
  ) {}

  /**
   * Creates the job (CREATED while the Manager is STARTING — jobs are not run during start-up, vmapi-rest-managerstate)
   * and runs one step per `stepMs`. `summaryDone`/`done` turn true only at the end; `error` and `wsErrorCode` on failure.
   */
  start(plan: JobPlan): JobObj {
    const id = String(Date.now() * 1000 + (this.seq++ % 1000));
    const job: JobObj = {
      ...base('Job', id, plan.name),
      jobRunState: 'CREATED',
      jobSummaryState: 'CREATED',
      done: false,
      summaryDone: false,
      jobGroup: false,
      resultId: null,
      progressMessage: null,
      latestSummaryProgressMessage: null,
      error: null,
      wsErrorCode: null,
      parentJobId: null,
      childJobIds: [],
      user: 'admin',
      abortedByUser: false,
      startTime: Date.now(),
      endTime: null,
      extraInfo: null,
    };
    this.store.put(job);
    this.onStart?.(job);
    void this.run(job, plan);
    return job;
  }

  /** PUT /Job/{id}/abort: the job stops before its next step, rolls back, and ends FAILURE with abortedByUser. */
  abort(id: string): void {
    this.aborts.add(id);
  }

  private async run(job: JobObj, plan: JobPlan): Promise<void> {
    const tick = () => new Promise((r) => setTimeout(r, this.stepMs));
    while (!this.running() && !this.aborts.has(job.id.value)) await tick();
    job.jobRunState = job.jobSummaryState = 'RUNNING';
    try {
      for (let i = 0; i < plan.steps.length; i++) {
        await tick();
        if (this.aborts.has(job.id.value)) {
          job.abortedByUser = true;
          throw new JobFailure('com.oracle.ovm.mgr.api.exception.OVMException: Job aborted by user');
        }
        const fault = this.faults.find((f) => plan.name.includes(f.match) && f.atStep === i);
        if (fault) throw new JobFailure(fault.message, fault.wsErrorCode ?? null);
        const step = plan.steps[i];
        job.progressMessage = job.latestSummaryProgressMessage = step.message;
        job.generation++;
        step.run();
        await step.wait?.();
      }
      job.resultId = plan.result?.() ?? null;
      job.jobRunState = job.jobSummaryState = 'SUCCESS';
    } catch (err) {
      try {
        plan.rollback?.();
      } catch {
        /* the lab's own cleanup: best effort */
      }
      const f =
        err instanceof JobFailure ? err : new JobFailure(`java.lang.RuntimeException: ${(err as Error).message}`);
      job.error = { message: f.javaMessage, type: 'com.oracle.ovm.mgr.ws.model.WsError' };
      job.wsErrorCode = f.wsErrorCode;
      job.jobRunState = job.jobSummaryState = 'FAILURE';
    }
    job.done = job.summaryDone = true;
    job.endTime = Date.now();
    job.generation++;
  }
}
