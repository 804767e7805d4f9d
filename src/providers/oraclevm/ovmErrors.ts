// Oracle VM Manager errors, kept verbatim: HTTP error bodies and failed jobs become VendorErrors with the Manager's code.
import { ErrorContext, VendorError } from '../../core/errors';

/**
 * The Manager's codes as they appear in its messages: `GEN_000031`, `OVMRU_005002E`, `OVMAPI_4010E`, `NETWORK_000008`
 * (platform-facts.md §3.1–3.2, protocols.md §2.4). The first one in a message is its code.
 */
const CODE = /\b([A-Z][A-Z0-9]*_[0-9]{4,}[A-Z]?)\b/;

/** The error-body fields of an OVM 3.4 reply (`{message, errorCode, cause, wsErrorCode}`, platform-facts.md §3.1). */
export interface OvmErrorBody {
  message?: unknown;
  errorCode?: unknown;
  wsErrorCode?: unknown;
}

/**
 * A non-2xx reply as a VendorError: code = the body's `errorCode` (else the code in its message, else `HTTP_<status>`),
 * params = [the body's message verbatim] (or the start of a body that is not that JSON, control characters shown escaped).
 */
export function httpError(status: number, body: unknown, context: ErrorContext): VendorError {
  const b = (typeof body === 'object' && body !== null ? body : undefined) as OvmErrorBody | undefined;
  const message =
    typeof b?.message === 'string' ? b.message : typeof body === 'string' ? printable(body.slice(0, 500)) : '';
  const code =
    typeof b?.errorCode === 'string' && b.errorCode ? b.errorCode : (CODE.exec(message)?.[1] ?? `HTTP_${status}`);
  return new VendorError(code, message ? [message] : [], context);
}

/**
 * A job that ended FAILURE as a VendorError: code = the Manager code in `error.message` (e.g. OVMRU_005002E from
 * `…RuleException: OVMRU_005002E Operation not allowed- …`), else `wsErrorCode`, else OVM_JOB_FAILED; params = [the
 * message verbatim].
 */
export function jobError(
  job: { error?: { message?: unknown } | null; wsErrorCode?: unknown; name?: unknown },
  context: ErrorContext,
): VendorError {
  const message =
    typeof job.error?.message === 'string'
      ? job.error.message
      : `job "${String(job.name ?? '')}" failed without a message`;
  const code =
    CODE.exec(message)?.[1] ??
    (typeof job.wsErrorCode === 'string' && job.wsErrorCode ? job.wsErrorCode : 'OVM_JOB_FAILED');
  return new VendorError(code, [message], context);
}

/** Control characters of a hostile reply shown as escapes, never written raw into a message. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
