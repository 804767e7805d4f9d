// An idle limit for a data stream: fails it when neither side has moved for too long (a stalled export or upload).
import { StalledError } from '../core/errors';

export interface IdleWatch {
  /** Something moved (bytes read or written, a wait on our own disk ended). */
  touch(): void;
  /** While our own side holds the stream (waiting for the disk), the peer is not idle. */
  hold(on: boolean): void;
  stop(): void;
}

/**
 * Calls `onIdle` with a StalledError once `idleMs` have passed without a `touch` and outside a `hold`. `what` names
 * the stream in the error (method, path, origin — never the query, which holds the session). Checked a few times per
 * limit, not per byte; the timer does not keep the process alive.
 */
export function idleWatch(idleMs: number | undefined, what: string, onIdle: (err: StalledError) => void): IdleWatch {
  if (!idleMs || idleMs <= 0 || !Number.isFinite(idleMs)) return { touch: () => undefined, hold: () => undefined, stop: () => undefined };
  let last = Date.now();
  let held = false;
  const timer = setInterval(() => {
    if (held) { last = Date.now(); return; }
    if (Date.now() - last < idleMs) return;
    clearInterval(timer);
    onIdle(new StalledError(`${what}: no data moved for ${idleMs / 1000} s (the connection's idleTimeoutSeconds)`));
  }, Math.max(10, Math.min(1000, idleMs / 4)));
  timer.unref();
  return {
    touch: () => { last = Date.now(); },
    hold: (on) => { held = on; last = Date.now(); },
    stop: () => clearInterval(timer),
  };
}
