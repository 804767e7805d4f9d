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
 * The one idle watchdog of the transports: calls `onIdle` once `idleMs` have passed without a `touch` and outside a
 * `hold` (0, undefined or Infinity: never). `touch` only stores a time, so it is cheap on a per-read hot path; the
 * check runs a few times per limit (so it fires between `idleMs` and 1.25 × `idleMs`), and its timer does not keep the
 * process alive. After firing, or after `stop`, nothing more happens.
 */
export function watchIdle(idleMs: number | undefined, onIdle: () => void): IdleWatch {
  if (!idleMs || idleMs <= 0 || !Number.isFinite(idleMs))
    return { touch: () => undefined, hold: () => undefined, stop: () => undefined };
  let last = Date.now();
  let held = false;
  const timer = setInterval(
    () => {
      if (held) {
        last = Date.now();
        return;
      }
      if (Date.now() - last < idleMs) return;
      clearInterval(timer);
      onIdle();
    },
    Math.max(10, Math.min(1000, idleMs / 4)),
  );
  timer.unref();
  return {
    touch: () => {
      last = Date.now();
    },
    hold: (on) => {
      held = on;
      last = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * A data stream's idle limit (watchIdle): `onIdle` gets a StalledError naming the stream (method, path, origin —
 * never the query, which holds the session) and the connection's idleTimeoutSeconds.
 */
export function idleWatch(idleMs: number | undefined, what: string, onIdle: (err: StalledError) => void): IdleWatch {
  return watchIdle(idleMs, () =>
    onIdle(
      new StalledError(`${what}: no data moved for ${(idleMs ?? 0) / 1000} s (the connection's idleTimeoutSeconds)`),
    ),
  );
}
