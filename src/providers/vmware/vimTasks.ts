// vSphere Task polling (vSphere API reference: Task, TaskInfo; govmomi object/task.go + property/wait.go):
// poll info.state (queued | running | success | error), info.progress (0–100) and info.error / info.result;
// an aborted signal sends Task.CancelTask once and keeps polling until the server ends the task, so the caller
// learns how it really ended (a cancelled task ends in state error with RequestCanceled).
import { CancelledError, VendorError } from '../../core/errors';
import { sleep } from '../../core/retry';
import { VimClient, returnval } from './vimClient';
import { retrieveObject } from './vimPropertyCollector';
import { taskFaultError } from './vimFaults';
import { malformed } from './vimXml';
import { MoRef, VimValue, asMoRef, asObject, decodeValue, optNumber, optString } from './vimValue';

export interface TaskWaitOptions {
  signal?: AbortSignal;
  /** Progress as a fraction 0–1. */
  onProgress?: (fraction: number) => void;
  /** Longest pause between polls, ms (default 500; starts at 25 and doubles). */
  pollMs?: number;
  /** Fail with TASK_IDLE (after sending CancelTask) if the task's state and progress did not change for this long, ms (default 30 min). */
  idleMs?: number;
}

/** Calls a `…_Task` method and waits for its task; returns TaskInfo.result (undefined when the method has none). */
export async function runTask(
  client: VimClient,
  method: string,
  self: MoRef,
  args: string,
  opts: TaskWaitOptions = {},
): Promise<VimValue | undefined> {
  const res = await client.invoke(method, self, args, opts.signal);
  const task = asMoRef(decodeValue(returnval(res, method)), `${method}.returnval`);
  return waitForTask(client, task, opts);
}

export async function waitForTask(
  client: VimClient,
  task: MoRef,
  opts: TaskWaitOptions = {},
): Promise<VimValue | undefined> {
  const pollMs = opts.pollMs ?? 500;
  const idleMs = opts.idleMs ?? 30 * 60_000;
  let cancelSent = false;
  let last = '';
  let lastChange = Date.now();
  for (let poll = 0; ; poll++) {
    if (opts.signal?.aborted && !cancelSent) {
      cancelSent = true;
      await client.invoke('CancelTask', task).catch(() => undefined); // InvalidState if it already ended: the poll tells
    }
    const content = await retrieveObject(client, task, ['info']);
    if (!content) throw new VendorError('ManagedObjectNotFound', [`${task.type}:${task.value}`]);
    const info = asObject(content.props.info, 'Task.info');
    const state = optString(info.state, 'TaskInfo.state');
    const progress = optNumber(info.progress, 'TaskInfo.progress');
    if (progress !== undefined) opts.onProgress?.(Math.max(0, Math.min(1, progress / 100)));
    if (state === 'success') {
      opts.onProgress?.(1);
      return info.result;
    }
    if (state === 'error') {
      const err = taskFaultError(asObject(info.error, 'TaskInfo.error'));
      if (cancelSent && err.code === 'RequestCanceled')
        throw new CancelledError(`vSphere task ${task.value} cancelled (RequestCanceled)`);
      throw err;
    }
    if (state !== 'queued' && state !== 'running') throw malformed(`TaskInfo.state "${state ?? ''}"`);
    const now = `${state}/${progress ?? ''}`;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > idleMs) {
      // A stuck task is not left running behind the caller's back: ask the server to cancel it (best effort).
      if (!cancelSent) await client.invoke('CancelTask', task).catch(() => undefined);
      throw new VendorError('TASK_IDLE', [`${task.value} made no progress for ${Math.round(idleMs / 1000)} s`]);
    }
    await sleep(Math.min(pollMs, 25 * 2 ** poll), cancelSent ? undefined : opts.signal).catch(() => undefined);
  }
}
