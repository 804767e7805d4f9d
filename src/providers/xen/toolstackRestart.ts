// After a real pool database restore, xapi restarts its toolstack (pool_db_backup.ml: Xapi_fuse.light_fuse_and_reboot
// after Constants.db_restore_fuse_time, 30 s): sessions end, connections drop, the master answers nothing for a while.
import { VendorError } from '../../core/errors';
import { isTransient, sleep } from '../../core/retry';
import { XapiClient } from './xapiClient';

/** xapi's fuse (30 s) plus a restart: how long to wait before saying the master did not come back. */
export const TOOLSTACK_RESTART_LIMIT_MS = 5 * 60_000;

/**
 * Waits until the old session is gone and a new login works (XapiClient.call logs in again on SESSION_INVALID);
 * connection failures in between are the restart. Throws after `limitMs` with what to do, or at once on any other
 * vendor error. `log` gets one line when the restart is seen and one when logged in again.
 */
export async function waitForToolstackRestart(
  xapi: XapiClient,
  signal: AbortSignal,
  log: (line: string) => void,
  limitMs = TOOLSTACK_RESTART_LIMIT_MS,
): Promise<void> {
  const old = xapi.sessionRef;
  const deadline = Date.now() + limitMs;
  let seenDown = false;
  for (let attempt = 0; ; attempt++) {
    try {
      await xapi.call('pool.get_all');
      if (xapi.sessionRef !== old) {
        log('logged in again: the pool now runs on the restored database');
        return;
      }
    } catch (e) {
      if (e instanceof VendorError && e.code !== 'SESSION_INVALID') throw e;
      if (!(e instanceof VendorError) && !isTransient(e)) throw e;
      if (!seenDown) {
        seenDown = true;
        log('xapi is restarting its toolstack to load the restored database (sessions end): waiting to log in again');
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the pool database was restored, but the master did not ${seenDown ? 'come back' : 'restart'} within ${Math.round(limitMs / 1000)} s: check the master's console (xe host-list), then connect again`,
      );
    }
    await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)), signal);
  }
}
