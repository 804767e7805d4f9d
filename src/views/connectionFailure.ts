// Which failures are the connection's own (login refused, certificate not trusted, host unreachable): the tree shows
// them on the connection's node, not as a row under whatever level was loading. No `vscode` import: tested in Node.
import { UntrustedCertificateError, VendorError } from '../core/errors';
import { PinRequest, pinRequestFromError } from '../core/pinRequest';
import { mask } from '../core/secrets';

export type ConnectionFailureKind = 'authentication' | 'certificate' | 'unreachable';

/** A failure of the connection itself: `code` is the vendor's or Node's code verbatim, `message` the whole message (masked). */
export interface ConnectionFailure {
  kind: ConnectionFailureKind;
  code: string;
  message: string;
  /** A certificate refusal: what Pin This Certificate… pins. */
  untrusted?: PinRequest;
}

/**
 * The platforms' codes for a refused login: XAPI `SESSION_AUTHENTICATION_FAILED` (ocaml/idl/datamodel_errors.ml),
 * vim25 `InvalidLogin` and `NotAuthenticated` (vSphere Web Services API faults), Oracle VM Manager's REST `HTTP_401`
 * (its answer to a refused Basic login, ovmClient.ts).
 */
export const AUTHENTICATION_CODES = ['SESSION_AUTHENTICATION_FAILED', 'InvalidLogin', 'NotAuthenticated', 'HTTP_401'];

/** Node's codes for a host that cannot be reached (DNS, routing, refused or timed-out TCP connect). */
export const UNREACHABLE_CODES = [
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
];

/**
 * The connection failure `err` is, or undefined for any other failure (a vendor refusal of one operation, a missing
 * object: those stay on the level that failed). Non-vendor errors reach the tree as one line
 * `connection "…": <code> <message>` (withErrorContext.ts), so the code is also read from the message.
 */
export function connectionFailureOf(err: unknown, connection: string): ConnectionFailure | undefined {
  const message = mask((err as Error)?.message ?? String(err));
  if (err instanceof UntrustedCertificateError)
    return { kind: 'certificate', code: err.code, message, untrusted: pinRequestFromError(err, connection) };
  if (err instanceof VendorError)
    return AUTHENTICATION_CODES.includes(err.code) ? { kind: 'authentication', code: err.code, message } : undefined;
  const own = (err as { code?: unknown })?.code;
  const code =
    typeof own === 'string' && UNREACHABLE_CODES.includes(own)
      ? own
      : UNREACHABLE_CODES.find((c) => new RegExp(`(^|[\\s:(])${c}\\b`).test(message));
  return code ? { kind: 'unreachable', code, message } : undefined;
}

/** The short text beside the connection's name: what failed and the code, e.g. `login refused · SESSION_AUTHENTICATION_FAILED`. */
export function failureDescription(f: ConnectionFailure): string {
  const what = { authentication: 'login refused', certificate: 'certificate not trusted', unreachable: 'unreachable' };
  return `${what[f.kind]} · ${f.code}`;
}
