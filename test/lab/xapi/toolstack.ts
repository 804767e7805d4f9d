// The toolstack restart that makes a restored pool database take effect (pool_db_backup.ml
// push_database_restore_handler → Xapi_fuse.light_fuse_and_reboot after Constants.db_restore_fuse_time, 30 s):
// until then the old database serves; then every session and connection is gone and the host does not answer
// for a while; afterwards it serves the restored database and clients log in again.
import { XapiStore } from './store';

/** Lab timing: xapi's fuse is 30 s and a restart takes longer; tests shorten both. */
export interface ToolstackTiming {
  fuseMs: number;
  downMs: number;
}

export class Toolstack {
  private downUntil = 0;
  private pending?: NodeJS.Timeout;
  /** Run at the restart: drop sessions and connections (set by the lab's entry point). */
  onRestart: () => void = () => undefined;
  constructor(readonly timing: ToolstackTiming) {}

  /** True while the restarting toolstack answers nothing. */
  get down(): boolean {
    return Date.now() < this.downUntil;
  }

  /** Lights the fuse: `apply` swaps the database in when the toolstack goes down. */
  restartWith(apply: () => void): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      apply();
      this.downUntil = Date.now() + this.timing.downMs;
      this.onRestart();
    }, this.timing.fuseMs);
    this.pending.unref();
  }

  stop(): void {
    clearTimeout(this.pending);
  }
}

const byStore = new WeakMap<XapiStore, Toolstack>();

/** The toolstack serving `store` (one per lab). */
export function toolstackOf(store: XapiStore): Toolstack {
  let t = byStore.get(store);
  if (!t) {
    t = new Toolstack({ fuseMs: 100, downMs: 500 });
    byStore.set(store, t);
  }
  return t;
}

export function setToolstack(store: XapiStore, t: Toolstack): void {
  byStore.set(store, t);
}
