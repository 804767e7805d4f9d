// Streams between XAPI's HTTP handlers and the backup repository, tied to an XAPI task.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobContext } from '../../core/job';
import { ProgressMeter, ThrottledProgress } from '../../core/progress';
import { StreamCheck, WrittenFile, receiveVerified } from '../../core/verifiedWrite';
import { TaskRecord, XapiClient } from './xapiClient';
import { xapiError } from './xapiErrors';
import { HttpStatusError } from '../../core/errors';
import { sleep } from '../../core/retry';

/**
 * GET a handler into <dir>/<file>, verified by the handler's task before the .part is renamed. `check` makes the
 * content check for this try (a fresh one per call: see xvaCheck), run on the bytes as they land.
 */
export async function downloadToFile(
  xapi: XapiClient,
  handler: string,
  query: Record<string, string>,
  dir: string,
  file: string,
  ctx: JobContext,
  opts: { check?: () => Promise<StreamCheck> } = {},
): Promise<WrittenFile> {
  const check = await opts.check?.();
  const task = await xapi.call<string>('task.create', `vmbackup ${handler}`, 'VM Backup Explorer transfer');
  const onAbort = () => {
    xapi.call('task.cancel', task).catch(() => undefined);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await receiveVerified(
      path.join(dir, file),
      {
        onProgress: ctx.progress,
        check,
        // The export can fail after its headers went out: only the task says the stream was complete.
        confirm: async () => {
          await xapi.waitTask(task, ctx.signal);
        },
      },
      async ({ sink, setTotal, setFraction }) => {
        // /export sends no Content-Length: the task's progress (the share of disk blocks read) gives the fraction and ETA.
        let sized = false;
        const poll = setInterval(() => {
          if (!sized)
            xapi.call<number>('task.get_progress', task).then(
              (f) => setFraction(Number(f)),
              () => undefined,
            );
        }, xapi.taskPollMs);
        try {
          await xapi.receive(handler, { ...query, task_id: task }, sink, ctx.signal, (head) => {
            sized = head.contentLength !== undefined;
            setTotal(head.contentLength);
          });
        } finally {
          clearInterval(poll);
        }
      },
    );
  } catch (err) {
    const verdict = await taskVerdict(xapi, task, err);
    await abandonTask(xapi, task);
    throw verdict;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * PUT a file to a handler with its exact Content-Length; returns the task's result refs. `sha256`: the file's digest
 * in the backup's manifest, checked as it is sent (a mismatch stops the upload short: BackupContentError).
 */
export async function uploadFile(
  xapi: XapiClient,
  handler: string,
  query: Record<string, string>,
  file: string,
  ctx: JobContext,
  sha256?: string,
): Promise<string[]> {
  const size = fs.statSync(file).size;
  const task = await xapi.call<string>('task.create', `vmbackup ${handler}`, 'VM Backup Explorer transfer');
  const progress = new ThrottledProgress(new ProgressMeter(size), ctx.progress);
  try {
    await xapi.putFile(handler, { ...query, task_id: task }, file, ctx.signal, (n) => progress.add(n), sha256);
    const result = await xapi.waitTask(task, ctx.signal);
    progress.finish();
    return result;
  } catch (err) {
    progress.stop();
    const verdict = await taskVerdict(xapi, task, err);
    await abandonTask(xapi, task);
    throw verdict;
  }
}

/** How long a handler's task may take to record why it refused, after its non-200 answer. */
const VERDICT_POLLS = 8;

/**
 * A handler that answers non-200 before any data (xapi: an HTTP 500 for VM_BAD_POWER_STATE, a handler exception)
 * records the reason in its task (TaskHelper.failed): that error_info, xapi's code verbatim, is the error, and is
 * final. When the task says nothing (still pending, or gone), the HTTP status stays the error (a 5xx is retried).
 */
async function taskVerdict(xapi: XapiClient, task: string, err: unknown): Promise<unknown> {
  if (!(err instanceof HttpStatusError)) return err;
  for (let poll = 0; poll < VERDICT_POLLS; poll++) {
    const rec = await xapi.call<TaskRecord>('task.get_record', task).catch(() => undefined);
    if (rec?.status === 'failure') return xapiError(rec.error_info ?? []);
    if (!rec || rec.status !== 'pending') break;
    await sleep(Math.min(xapi.taskPollMs, 25 * 2 ** poll));
  }
  return err;
}

/** A transfer that failed must not leave its task behind: cancel it (if still running) and destroy it, best effort. */
async function abandonTask(xapi: XapiClient, task: string): Promise<void> {
  await xapi.call('task.cancel', task).catch(() => undefined);
  await xapi.call('task.destroy', task).catch(() => undefined);
}
