// Normalises XAPI's two JSON-RPC error shapes (v1 array, v2 object) into a VendorError.
import { VendorError } from '../../core/errors';

/**
 * The error XAPI reported, as a VendorError with its code and params verbatim. A code or a param that is not a string
 * (a malformed reply) is shown as JSON, never as JavaScript's "[object Object]"; a reply that holds no code at all
 * gets XAPI_MALFORMED_REPLY.
 */
export function xapiError(error: unknown): VendorError {
  if (Array.isArray(error))
    return new VendorError(
      error.length ? text(error[0]) : 'XAPI_MALFORMED_REPLY',
      error.length ? error.slice(1).map(text) : ['an empty error'],
    );
  const e = error as { message?: unknown; data?: unknown };
  const data = Array.isArray(e?.data)
    ? e.data.map(text)
    : e?.data !== undefined && e?.data !== null
      ? [text(e.data)]
      : [];
  if (e?.message === undefined || e?.message === null)
    return new VendorError('XAPI_MALFORMED_REPLY', [`an error without a code: ${text(error)}`.slice(0, 200)]);
  return new VendorError(text(e.message), data);
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** task.result is an XML-RPC value string: `<value>OpaqueRef:…</value>` or an array of them. */
export function parseTaskResult(result: string): string[] {
  const values = [...result.matchAll(/<value>([^<]*)<\/value>/g)].map((m) => m[1]);
  if (values.length) return values;
  const plain = result.trim();
  return plain ? [plain] : [];
}
