// A redirected transfer refused by a pool member's certificate: the error names the member and what it presented,
// and carries the thumbprint whose pin makes the client trust it (see UntrustedCertificateError.member).
import { UntrustedCertificateError } from '../../core/errors';
import { presentedThumbprint } from '../../transport/presentedCertificate';
import { socketTarget } from '../../transport/openSocket';
import { HostLister } from './handlerRedirect';

/**
 * `err` came from a TLS handshake with `target`, a pool host other than the connection's (`connectionUrl`), that did
 * not verify against the CAs — the usual case: a master with a CA-signed certificate, members with the self-signed
 * one XCP-ng makes at install. Pinning the member's certificate alone would not do (the connection's pin is checked
 * against the master); a pinned connection trusts each member's certificate as the master reports it
 * (host.get_server_certificate, memberThumbprint.ts). So the error offers the master's thumbprint to pin (over http,
 * where the master has none, the member's: the pin then only enables that check) and shows the member's, to check.
 */
export async function memberCertificateError(
  xapi: HostLister,
  connectionUrl: string,
  target: string,
  err: Error & { code: string },
  howToCheck: string,
): Promise<Error> {
  const address = socketTarget(new URL(target)).host;
  const [memberPrint, hosts] = await Promise.all([
    presentedThumbprint(target),
    xapi.call<Record<string, { address?: unknown; name_label?: unknown }>>('host.get_all_records').catch(() => ({})),
  ]);
  if (!memberPrint) return err;
  const found = Object.values(hosts ?? {}).find((h) => h?.address === address);
  const name = typeof found?.name_label === 'string' ? found.name_label : address;
  const conn = new URL(connectionUrl);
  const masterPrint = conn.protocol === 'https:' ? await presentedThumbprint(connectionUrl) : undefined;
  const pin = masterPrint ?? memberPrint;
  const message =
    `pool member ${name} (${address}), where ${conn.host} redirected the transfer, presented a certificate that ` +
    `does not verify against the CAs, SHA-256 ${memberPrint} (check it on ${name}: ${howToCheck}). Pin ${masterPrint ? `the master's certificate, SHA-256 ${masterPrint},` : 'that thumbprint'} ` +
    `as the connection's thumbprint: members are then trusted with the certificate the master reports for each (host.get_server_certificate)`;
  return new UntrustedCertificateError(message, err.code, masterPrint ? conn.host : address, pin, howToCheck, {
    name,
    address,
    thumbprint: memberPrint,
  });
}
