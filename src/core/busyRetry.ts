// A delete that the platform may answer "not now" (an object in use, another operation in progress).
import { VendorError } from './errors';
import { sleep } from './retry';

export interface BusyRetry {
  /** Vendor error codes that mean "not now" rather than "no" (Xen: VDI_IN_USE…; vSphere: TaskInProgress). */
  busy: ReadonlySet<string>;
  /** Extra attempts on a busy answer, with doubling delays from `backoffMs`; none unless `retryBusy`. */
  retries: number;
  backoffMs: number;
  retryBusy: boolean;
}

/**
 * Runs `fn`; a busy answer (VendorError whose code is in `o.busy`) is retried as `o` says and finally returned, so
 * the caller can report the object as skipped; any other error is thrown. Resolves undefined on success.
 */
export async function attemptUnlessBusy(fn: () => Promise<unknown>, o: BusyRetry): Promise<VendorError | undefined> {
  for (let i = 0; ; i++) {
    try {
      await fn();
      return undefined;
    } catch (e) {
      if (!(e instanceof VendorError) || !o.busy.has(e.code)) throw e;
      if (!o.retryBusy || i >= o.retries) return e;
      await sleep(o.backoffMs * 2 ** i);
    }
  }
}
