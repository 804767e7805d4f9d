// What "Pin This Certificate…" needs, taken from an UntrustedCertificateError, and the one place that decides whether
// a failure offers it (the connection error node, the failed job's notification, the failed job in the Jobs view).
import { UntrustedCertificateError } from './errors';
import { escapeControlChars } from './controlChars';

/**
 * A certificate (or SSH host key) the user may pin as connection `connection`'s `thumbprint:` (SHA-256, colon hex).
 * `host`: the host whose certificate `thumbprint` is; `howToCheck`: the shell command that prints it on that host.
 * `member`: when a pool member refused a redirected transfer (memberCertificate.ts), that member's name, address and
 * own SHA-256 — shown so the user can check it; the pin is still `thumbprint` (the master's, see UntrustedCertificateError).
 */
export interface PinRequest {
  connection: string;
  host: string;
  thumbprint: string;
  howToCheck: string;
  member?: { name: string; address: string; thumbprint: string };
}

/** The button that runs the pin flow, on every surface that offers it. */
export const PIN_ACTION = 'Pin This Certificate…';
export const SHOW_LOG_ACTION = 'Show Log';

/** The pin request `err` allows for connection `connection`; undefined when `err` is not a certificate refusal or no connection is known. */
export function pinRequestFromError(err: unknown, connection: string | undefined): PinRequest | undefined {
  if (!(err instanceof UntrustedCertificateError) || !connection || !err.thumbprint) return undefined;
  const { host, thumbprint, howToCheck, member } = err;
  return { connection, host, thumbprint, howToCheck, ...(member ? { member: { ...member } } : {}) };
}

/** The buttons of a failed job's notification: the pin action first when the failure was an untrusted certificate. */
export function failureActions(error: { untrusted?: PinRequest } | undefined): string[] {
  return error?.untrusted ? [PIN_ACTION, SHOW_LOG_ACTION] : [SHOW_LOG_ACTION];
}

/** The modal confirmation's message and detail: which host's certificate, for which connection, and how to check it. */
export function pinConfirmation(req: PinRequest): { message: string; detail: string } {
  const host = escapeControlChars(req.host);
  const m = req.member;
  const member = m
    ? `Pool member ${escapeControlChars(m.name)} (${escapeControlChars(m.address)}) refused the transfer with a certificate of SHA-256 ${m.thumbprint}; ` +
      `on it, ${req.howToCheck} must print that. Pinning the connection's certificate below makes the client trust each member's certificate as the master reports it.\n\n`
    : '';
  return {
    message: `Pin the certificate of ${host} for connection "${escapeControlChars(req.connection)}"?`,
    detail:
      `${member}SHA-256 ${req.thumbprint}\n\nPin it only if it is the host's own certificate: on the host, ` +
      `${req.howToCheck} must print the same. ` +
      `The thumbprint is written to .vmbackup/connections.yaml; certificates are then no longer checked against the CAs for this connection.`,
  };
}
