// One place that turns any failure of a provider operation into one message naming where it happened.
import { ErrorContext, UntrustedCertificateError, VendorError, describeContext, isCancel } from './errors';
import { mask } from './secrets';

/**
 * Runs `fn`. A VendorError comes back with `connection` and the place as its context (the vendor's code and params
 * verbatim); any other error becomes one line `connection "…", host "…", VM "…": <code> <message>` with passwords
 * masked, and an UntrustedCertificateError keeps its type (the pin action needs its thumbprint). A cancellation passes
 * through unchanged. `place` is asked for only when something failed (it may cost a call to the platform).
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
    const code = (e as { code?: string }).code;
    const message = `${describeContext(where)}: ${code ? code + ' ' : ''}${mask((e as Error).message ?? String(e))}`;
    throw e instanceof UntrustedCertificateError ? e.withMessage(message) : new Error(message);
  }
}
