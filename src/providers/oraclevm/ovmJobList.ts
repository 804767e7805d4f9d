// The Manager's own job list in the product's words (Provider.listPlatformJobs): running first, then the recent ones.
import { PlatformJob, PlatformJobState } from '../../core/model';
import { OvmClient } from './ovmClient';
import { listJobs } from './ovmInventory';
import { OvmJob } from './ovmRecords';

/**
 * `jobRunState` (protocols.md §2.3: NONE|CREATED|RUNNING|SUCCESS|FAILURE|CHILD_QUEUED|CHILD_RUNNING) and `summaryDone`
 * → the product's state. A job is finished only when `summaryDone` (python-ovmclient JobManager.wait_for_job); a
 * FAILURE with `abortedByUser` is cancelled.
 */
export function platformJobState(j: OvmJob): PlatformJobState {
  if (j.summaryDone || j.jobRunState === 'SUCCESS' || j.jobRunState === 'FAILURE') {
    if (j.jobRunState === 'FAILURE') return j.abortedByUser ? 'cancelled' : 'failed';
    return j.jobRunState === 'SUCCESS' ? 'succeeded' : 'failed';
  }
  return j.jobRunState === 'NONE' || j.jobRunState === 'CREATED' || j.jobRunState === 'CHILD_QUEUED'
    ? 'queued'
    : 'running';
}

/**
 * One Manager Job as a PlatformJob: name, state, the latest progress message (`progressMessage`, else
 * `latestSummaryProgressMessage`), times, user, and a failure's `error.message` verbatim with its `wsErrorCode`.
 * `followedBy`: the signal of the product's job following it (OvmClient.followedBy).
 */
export function toPlatformJob(j: OvmJob, followedBy?: AbortSignal): PlatformJob {
  const state = platformJobState(j);
  const message = j.error?.message;
  const error =
    state === 'failed' || state === 'cancelled'
      ? [message, j.wsErrorCode && !message?.includes(j.wsErrorCode) ? `(${j.wsErrorCode})` : undefined]
          .filter(Boolean)
          .join(' ') || undefined
      : undefined;
  return {
    id: j.id.value,
    name: j.name || j.id.value,
    state,
    vendorState: j.jobRunState,
    progressMessage: j.progressMessage ?? j.latestSummaryProgressMessage ?? undefined,
    startTime: j.startTime,
    endTime: j.endTime,
    user: j.user,
    error,
    followedBy,
  };
}

/** Unfinished jobs first (newest first), then the `recent` newest finished ones (`GET Job`, ovmInventory.listJobs). */
export function selectJobs(jobs: PlatformJob[], recent: number): PlatformJob[] {
  const open = jobs.filter((j) => j.state === 'running' || j.state === 'queued');
  const done = jobs.filter((j) => j.state !== 'running' && j.state !== 'queued');
  return [...open, ...done.slice(0, Math.max(0, recent))];
}

/** The Manager's jobs for the Jobs view: `GET Job`, mapped, running first, then `recent` finished ones. */
export async function listManagerJobs(c: OvmClient, recent: number, signal?: AbortSignal): Promise<PlatformJob[]> {
  const jobs = await listJobs(c, signal);
  return selectJobs(
    jobs.map((j) => toPlatformJob(j, c.followedBy(j.id.value))),
    recent,
  );
}
