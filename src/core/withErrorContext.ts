// One place that turns any failure of a provider operation into one message naming where it happened.
import {
  ContextError,
  ErrorContext,
  UntrustedCertificateError,
  VendorError,
  formatContextMessage,
  isCancel,
  textWithCode,
} from './errors';
import { mask } from './secrets';

/**
 * Runs `fn`. A VendorError comes back with `connection` and the place as its context (the vendor's code and params
 * verbatim); any other error becomes one line `connection "…", host "…", VM "…": <code> <message>` with passwords
 * masked (a ContextError, whose place merges with an outer one's: nested calls, or a client that already named the
 * connection or host, never name a part twice), and an UntrustedCertificateError keeps its type (the pin action needs
 * its thumbprint). A cancellation passes through unchanged. `place` is asked for only when something failed (it may
 * cost a call to the platform).
 */
export async function withErrorContext<T>(
  connection: string,
  fn: () => Promise<T>,
  place: ErrorContext | (() => Promise<ErrorContext>) = {},
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof VendorError) && isCancel(e)) throw e;
    const where = { connection, ...(typeof place === 'function' ? await place() : place) };
    if (e instanceof VendorError) throw e.withContext(where);
    if (e instanceof ContextError) throw new ContextError({ ...e.context, ...where }, mask(e.detail));
    const detail = textWithCode((e as { code?: unknown }).code, mask((e as Error).message ?? String(e)));
    if (e instanceof UntrustedCertificateError) throw e.withMessage(formatContextMessage(where, detail));
    throw new ContextError(where, detail);
  }
}
