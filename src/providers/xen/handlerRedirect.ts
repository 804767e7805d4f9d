// Where a data-plane handler's 302 may take us. XAPI's master answers /export, /import (and the raw-VDI
// handlers) with `302 Location: https://<host address>/<same path>?<same query>` when another host sees the
// SRs; the query carries session_id and task_id, so the target must be at least as trustworthy as the master.
import { VendorError } from '../../core/errors';

/** At most this many 302s per request (XO's value); a loop ends in TOO_MANY_REDIRECTS. */
export const MAX_REDIRECTS = 3;

/** PUT handlers that may redirect (import.ml, import_raw_vdi.ml). /pool/xmldbdump and /host_restore act on the host that receives them. */
export const REDIRECTING_PUTS = new Set(['/import', '/import_raw_vdi']);

/**
 * The URL to follow a 302 to, with every query parameter of the original request that the Location dropped.
 *
 * Policy: https → http is refused. The request carries the session (`session_id`) in its query; XAPI itself
 * only ever redirects to `https://`, so a downgrade means something on the path rewrote it, and following it
 * would hand the session to anyone on the network. http → https (the usual case against a master reached on
 * port 80) is allowed: the target is then verified like the master — against the CAs by default, or, on a
 * connection that pins the master's thumbprint, against the thumbprint the master reports for that member's own
 * certificate (XapiClient.pinFor): an impostor at the member's address is refused before it gets a byte.
 * Only http(s) targets are followed. Errors name the target's origin only, never the query (it holds the session).
 */
export function redirectTarget(from: string, location: unknown, handler: string): string {
  if (typeof location !== 'string' || location === '')
    throw new VendorError('HTTP_302', [handler, 'redirect without a Location']);
  const src = new URL(from);
  let dst: URL;
  try {
    dst = new URL(location, src);
  } catch {
    throw new VendorError('REDIRECT_REFUSED', [handler, 'unparsable Location']);
  }
  if (dst.protocol !== 'https:' && dst.protocol !== 'http:')
    throw new VendorError('REDIRECT_REFUSED', [handler, `${dst.protocol} is not http(s)`]);
  if (src.protocol === 'https:' && dst.protocol === 'http:') {
    throw new VendorError('REDIRECT_REFUSED', [
      handler,
      `${src.origin} redirected to ${dst.origin}: refusing to downgrade https to http (the query carries the session)`,
    ]);
  }
  for (const [k, v] of src.searchParams) if (!dst.searchParams.has(k)) dst.searchParams.set(k, v);
  return dst.toString();
}

/** The one XAPI call a redirect check needs (XapiClient has it). */
export interface HostLister {
  call<T>(method: string, ...params: unknown[]): Promise<T>;
}

/**
 * Refuses a redirect target that is not a host of this pool. XAPI redirects a handler only to another pool host
 * (importexport.ml: `Http.Url.set_uri` on the address of the host it chose, `host.address`), on the port the master
 * listens on; the query carries the session, so a Location that names anything else — a rewritten reply, a proxy
 * in between, a compromised member — must not be sent it. Allowed: the connection's own host, or the `address` of a
 * host in host.get_all_records (asked of the master over the connection), on the connection's port or the target
 * scheme's default one (a master reached on port 80 redirects to https on 443). Errors name the target's origin.
 */
export async function assertPoolHost(
  xapi: HostLister,
  connectionUrl: string,
  target: string,
  handler: string,
): Promise<void> {
  const conn = new URL(connectionUrl);
  const dst = new URL(target);
  const port = (u: URL) => Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const bare = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const portOk = port(dst) === port(conn) || !dst.port;
  if (portOk && bare(dst) === bare(conn)) return;
  const hosts = await xapi.call<Record<string, { address?: unknown; name_label?: unknown }>>('host.get_all_records');
  const member = Object.values(hosts ?? {}).find(
    (h) => typeof h?.address === 'string' && h.address.toLowerCase() === bare(dst),
  );
  if (member && portOk) return;
  const why = member
    ? `port ${port(dst)} is not the pool's (${port(conn)})`
    : `${bare(dst)} is not the address of a host of this pool`;
  throw new VendorError('REDIRECT_REFUSED', [
    handler,
    `${dst.origin}: ${why}; the request carries the session, so it is not sent there`,
  ]);
}
