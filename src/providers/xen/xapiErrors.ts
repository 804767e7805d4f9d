// Normalises XAPI's two JSON-RPC error shapes (v1 array, v2 object) into a VendorError.
import { VendorError } from '../../core/errors';

export function xapiError(error: unknown): VendorError {
  if (Array.isArray(error)) return new VendorError(String(error[0] ?? 'UNKNOWN'), error.slice(1).map(String));
  const e = error as { message?: unknown; data?: unknown };
  const data = Array.isArray(e?.data) ? e.data.map(String) : e?.data !== undefined ? [String(e.data)] : [];
  return new VendorError(String(e?.message ?? 'UNKNOWN'), data);
}

/** task.result is an XML-RPC value string: `<value>OpaqueRef:…</value>` or an array of them. */
export function parseTaskResult(result: string): string[] {
  const values = [...result.matchAll(/<value>([^<]*)<\/value>/g)].map((m) => m[1]);
  if (values.length) return values;
  const plain = result.trim();
  return plain ? [plain] : [];
}
