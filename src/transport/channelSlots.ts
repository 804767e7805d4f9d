// A counting semaphore for the channels of one SSH connection.

/**
 * At most `limit` holders at once; the others wait in order. OpenSSH refuses channels beyond `MaxSessions` (default 10,
 * sshd_config(5)) with "open failed", so a connection keeps below it and leaves room for the kill of a cancelled command.
 */
export class ChannelSlots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  /** Resolves with a release function, to be called exactly once when the channel closed. */
  async acquire(): Promise<() => void> {
    if (this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    };
  }
}
