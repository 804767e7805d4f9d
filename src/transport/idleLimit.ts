// A watchdog for long transfers and commands: fires when nothing has moved for a while.

/** Raised when a remote command or transfer produced nothing for `idleMs` milliseconds. */
export class IdleTimeoutError extends Error {
  readonly code = 'ERR_IDLE_TIMEOUT';
  constructor(what: string, readonly idleMs: number) { super(`${what}: nothing received for ${Math.round(idleMs / 1000)} s (idle limit)`); this.name = 'IdleTimeoutError'; }
}

/**
 * Calls `onIdle` once when `touch()` was not called for `idleMs` ms (0 or Infinity: never). `stop()` disarms it.
 * The timer is unref'd: it never keeps the process alive on its own.
 */
export class IdleLimit {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  constructor(private readonly idleMs: number, private readonly onIdle: () => void) { this.touch(); }

  touch(): void {
    if (this.stopped || !Number.isFinite(this.idleMs) || this.idleMs <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.stopped = true; this.onIdle(); }, this.idleMs);
    this.timer.unref();
  }

  stop(): void { this.stopped = true; clearTimeout(this.timer); this.timer = undefined; }
}
