// The certificate a pool member presents, as the pinned master reports it. XCP-ng and Citrix Hypervisor give every
// host its own self-signed certificate at install, and the master's 302s send /export and /import to the member that
// sees the SR: a connection that pins the master's certificate must learn the member's before it follows one.
import { X509Certificate } from 'node:crypto';
import { VendorError } from '../../core/errors';
import { sha256Thumbprint } from '../../transport/pinnedTls';

export interface XapiCaller {
  call<T>(method: string, ...params: unknown[]): Promise<T>;
}

/**
 * The SHA-256 thumbprint of the server certificate of the pool host whose `address` is `address` (a 302's Location
 * names a host by that field), or undefined when no host has that address. Read from the master with
 * host.get_server_certificate (every XAPI since 5.5, every role since 7.x) over the connection's pinned channel and
 * authenticated session, so it is trusted exactly as much as the master is.
 */
export async function memberThumbprint(xapi: XapiCaller, address: string): Promise<string | undefined> {
  const hosts = await xapi.call<Record<string, { address?: unknown; name_label?: unknown }>>('host.get_all_records');
  const found = Object.entries(hosts ?? {}).find(([, h]) => h?.address === address);
  if (!found) return undefined;
  const [ref, host] = found;
  const pem = await xapi.call<unknown>('host.get_server_certificate', ref);
  try {
    if (typeof pem !== 'string') throw new TypeError('not a string');
    return sha256Thumbprint(new X509Certificate(pem).raw);
  } catch {
    throw new VendorError('CERTIFICATE_UNREADABLE', [
      String(host.name_label ?? address),
      'host.get_server_certificate did not return a PEM certificate',
    ]);
  }
}
