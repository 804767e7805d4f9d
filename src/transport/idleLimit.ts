// The error of a remote command or transfer that went silent (the watchdog itself is watchIdle, idleWatch.ts).

/** Raised when a remote command or transfer produced nothing for `idleMs` milliseconds. */
export class IdleTimeoutError extends Error {
  readonly code = 'ERR_IDLE_TIMEOUT';
  constructor(
    what: string,
    readonly idleMs: number,
  ) {
    super(`${what}: nothing received for ${Math.round(idleMs / 1000)} s (idle limit)`);
    this.name = 'IdleTimeoutError';
  }
}
