// Errors that carry the vendor's own code and params verbatim, and the place they happened.
import { escapeControlChars } from './controlChars';

export interface ErrorContext {
  connection?: string;
  pool?: string;
  host?: string;
  vm?: string;
}

/** An error reported by the platform itself (e.g. XAPI's VM_BAD_POWER_STATE). */
export class VendorError extends Error {
  constructor(
    public readonly code: string,
    public readonly params: string[] = [],
    public context: ErrorContext = {},
  ) {
    super(formatVendorMessage(code, params, context));
    this.name = 'VendorError';
  }
  withContext(context: ErrorContext): VendorError {
    return new VendorError(this.code, this.params, { ...this.context, ...context });
  }
}

/**
 * A failure that is not the vendor's own (a refused connection, a malformed reply, a time limit), told once with the
 * place it happened: `<connection "…", host "…", VM "…">: <detail>`. The place is kept apart from the text so that a
 * caller adding its own place merges the two (withErrorContext) instead of naming the connection or VM a second time.
 */
export class ContextError extends Error {
  constructor(
    public readonly context: ErrorContext,
    public readonly detail: string,
  ) {
    super(formatContextMessage(context, detail));
    this.name = 'ContextError';
  }
}

/** A failure's text with its error code (`ECONNREFUSED`…) in front, unless the text already names it (not told twice). */
export function textWithCode(code: unknown, text: string): string {
  const c = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return c && c !== '0' && !text.includes(c) ? `${c} ${text}` : text;
}

/** `where: detail`, naming each part of `where` the detail does not already name (so none is told twice). */
export function formatContextMessage(where: ErrorContext, detail: string): string {
  const parts = describeContextParts(where).filter((p) => !detail.includes(p));
  return parts.length ? `${parts.join(', ')}: ${detail}` : detail;
}

/**
 * A stream that ended before it was whole (short of its Content-Length, or a tar without its end marker): over HTTP a
 * cut connection can look like a clean end. Worth a retry (see retry.ts).
 */
export class TruncatedStreamError extends Error {
  readonly code = 'ERR_TRUNCATED_STREAM';
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedStreamError';
  }
}

/**
 * A data-plane handler answered something else than 200 (and, for XAPI, its task said nothing more: see
 * xenTransfer). `code` is `HTTP_<status>`; `response.status` lets retry.ts treat a 5xx (but 501) as transient.
 * `where` is the origin (scheme, host, port) that answered, never the URL's query (it holds the session).
 */
export class HttpStatusError extends Error {
  readonly code: string;
  readonly response: { status: number };
  constructor(
    readonly status: number,
    readonly path: string,
    readonly where: string,
  ) {
    super(`HTTP ${status} from ${where} on ${path}`);
    this.name = 'HttpStatusError';
    this.code = `HTTP_${status}`;
    this.response = { status };
  }
}

/** A data stream on which nothing moved for longer than the connection's idle limit. Worth a retry (retry.ts). */
export class StalledError extends Error {
  readonly code = 'ERR_STREAM_STALLED';
  constructor(message: string) {
    super(message);
    this.name = 'StalledError';
  }
}

/**
 * A platform task still running at the connection's deadline: it was cancelled. `task` is the task's name as the
 * platform shows it (XAPI: name_label, e.g. "Async.VM.snapshot"). Not retried.
 */
export class TaskDeadlineError extends Error {
  readonly code = 'TASK_DEADLINE_EXCEEDED';
  constructor(message: string) {
    super(message);
    this.name = 'TaskDeadlineError';
  }
}

/**
 * A stream whose content is wrong (an XVA chunk that does not match its checksum, a gzip stream whose CRC does not
 * match, a broken tar header): not a network accident, so not retried.
 */
export class CorruptStreamError extends Error {
  readonly code = 'ERR_CORRUPT_STREAM';
  constructor(message: string) {
    super(message);
    this.name = 'CorruptStreamError';
  }
}

/**
 * A backup file whose content is not what its manifest records (sha256), found while it was being sent for a restore:
 * the upload was stopped before the server had all of it. Code INVALID_BACKUP, as the other checks of a backup's files.
 */
export class BackupContentError extends Error {
  readonly code = 'INVALID_BACKUP';
  constructor(file: string, how: string) {
    super(`${file}: sha256 differs from the manifest — ${how} (vmbackup verify shows what else is damaged)`);
    this.name = 'BackupContentError';
  }
}

/**
 * A server certificate that did not verify against the CAs, with the thumbprint the server presented: the user may
 * check it on the host (`howToCheck`, the platform's own command) and pin it. `code` is Node's (e.g. DEPTH_ZERO_SELF_SIGNED_CERT).
 */
export class UntrustedCertificateError extends Error {
  /**
   * `host`/`thumbprint`: the certificate to pin as the connection's. `member`: when the refusal came from another
   * pool host than the one the connection names (a 302 led there), that host and what it presented: pinning `thumbprint`
   * makes the client trust each member's certificate as the master reports it (host.get_server_certificate).
   */
  constructor(
    message: string,
    readonly code: string,
    readonly host: string,
    readonly thumbprint: string,
    readonly howToCheck: string,
    readonly member?: { name: string; address: string; thumbprint: string },
  ) {
    super(message);
    this.name = 'UntrustedCertificateError';
  }
  withMessage(message: string): UntrustedCertificateError {
    return new UntrustedCertificateError(message, this.code, this.host, this.thumbprint, this.howToCheck, this.member);
  }
}

/** Thrown when the user or a caller aborted the operation. */
export class CancelledError extends Error {
  constructor(message = 'Operation cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function describeContext(c: ErrorContext): string {
  return describeContextParts(c).join(', ');
}

/** Each part of a place as describeContext words it: `connection "…"`, `pool "…"`, `host "…"`, `VM "…"`. */
function describeContextParts(c: ErrorContext): string[] {
  const parts: string[] = [];
  // The names are foreign (a VM named "a\nb"): escaped, so the place stays on the message's line.
  const q = (name: string) => `"${escapeControlChars(name, { style: 'hex' })}"`;
  if (c.connection) parts.push(`connection ${q(c.connection)}`);
  if (c.pool) parts.push(`pool ${q(c.pool)}`);
  if (c.host) parts.push(`host ${q(c.host)}`);
  if (c.vm) parts.push(`VM ${q(c.vm)}`);
  return parts;
}

/**
 * A vendor error as one readable line: the code verbatim, then the params as given between brackets, separated by
 * "; " — the way XAPI prints its own errors (`Server_error(NAME, [ a; b ])`, xapi-project/xen-api
 * ocaml/xapi-consts/api_errors.ml `to_string`). Quotes and backslashes stay as they are (no JSON escaping); control
 * characters are shown as `\xHH`/`\uHHHH` escapes (core/controlChars.ts), so one error stays one line.
 * E.g. `NOT_FOUND [no VM named "x"]`, `VM_BAD_POWER_STATE [OpaqueRef:1; halted; running]`.
 */
export function vendorErrorText(code: string, params: readonly string[]): string {
  const shown = (t: string) => escapeControlChars(t, { style: 'hex' });
  return params.length ? `${shown(code)} [${params.map(shown).join('; ')}]` : shown(code);
}

function formatVendorMessage(code: string, params: string[], context: ErrorContext): string {
  const where = describeContext(context);
  return `${where ? where + ': ' : ''}${vendorErrorText(code, params)}`;
}

export function isCancel(err: unknown): boolean {
  if (err instanceof CancelledError) return true;
  const e = err as { name?: string; code?: string } | undefined;
  return (
    e?.name === 'AbortError' ||
    e?.name === 'CanceledError' ||
    e?.code === 'ERR_CANCELED' ||
    (err instanceof VendorError && err.code === 'TASK_CANCELLED')
  );
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
