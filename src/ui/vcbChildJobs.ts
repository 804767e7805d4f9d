// The child jobs of a VCB group run (vcbSnapAll / vcbResAll, guide P.64, P.68): one job per VM under the group's job
// in the Jobs view (JobRecord.parentId). The group is one tool run: a child follows it — its log lines, its end
// (done() from the provider), and its cancel (cancelling the group cancels every child).
import { JobContext } from '../core/job';
import { ChildJobs } from '../providers/vcb/vcbGroup';
import { CommandContext } from './commandContext';
import { JobSpec } from './runJob';

/** Child jobs of the running job whose context is `parent` (found by its signal). */
export function vcbChildJobs(ctx: CommandContext, parent: JobContext, spec: JobSpec): ChildJobs {
  const parentJob = ctx.jobs.jobs.find((j) => j.signal === parent.signal);
  return (vmName) => {
    let settle: (ok: boolean, error?: string) => void = () => undefined;
    const outcome = new Promise<void>((resolve, reject) => {
      settle = (ok, error) => (ok ? resolve() : reject(new Error(error ?? `${vmName} failed`)));
    });
    outcome.catch(() => undefined);
    let child: JobContext | undefined;
    const early: string[] = [];
    const { job, done } = ctx.jobs.run(
      vmName,
      `${spec.kind}-vm`,
      { ...spec.context, vm: vmName },
      // Children take no slot of the host's queue: the group's own job holds it.
      `${spec.hostKey}:children:${parentJob?.record.id ?? ''}`,
      async (c) => {
        child = c;
        for (const l of early.splice(0)) c.log(l);
        await outcome;
        return { vm: vmName };
      },
      Number.MAX_SAFE_INTEGER,
    );
    done.catch(() => undefined);
    if (parentJob) job.record.parentId = parentJob.record.id;
    parent.signal.addEventListener('abort', () => job.cancel(), { once: true });
    return {
      signal: parent.signal,
      progress: (p) => child?.progress(p),
      log: (l) => {
        parent.log(`${vmName}: ${l}`);
        if (child) child.log(l);
        else early.push(l);
      },
      done: (ok, error) => settle(ok, error),
    };
  };
}
