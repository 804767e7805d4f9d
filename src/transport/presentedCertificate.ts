// What certificate an https server presents, for the error that tells the user how to pin it. Nothing is sent.
import * as tls from 'node:tls';
import { socketTarget } from './openSocket';
import { sha256Thumbprint } from './pinnedTls';
import { UntrustedCertificateError } from '../core/errors';

/** Node's codes for a certificate that did not verify against the CAs (a self-signed XCP-ng host's is the usual one). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isUntrustedCertificate(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNTRUSTED.has(code);
}

/**
 * The SHA-256 thumbprint of the certificate an https URL's server presents: a TLS handshake without verification,
 * closed as soon as the certificate is read, before anything is written. undefined if the handshake fails or times out.
 */
export function presentedThumbprint(url: string, timeoutMs = 5_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({ ...socketTarget(new URL(url)), rejectUnauthorized: false });
    const done = (thumbprint?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(thumbprint);
    };
    const timer = setTimeout(() => done(), timeoutMs);
    socket.once('error', () => done());
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate()?.raw;
      done(raw?.length ? sha256Thumbprint(raw) : undefined);
    });
  });
}

/**
 * Node's error for a certificate of `url` that did not verify, as an UntrustedCertificateError saying which certificate
 * the host presented (SHA-256) and how to check it there — `${where}: ${howToCheck}`, e.g. "on the host: openssl …" —
 * before pinning it as the connection's thumbprint. The code stays Node's. `err` itself when no certificate could be read.
 */
export async function untrustedCertificateError(
  url: string,
  err: Error & { code: string },
  where: string,
  howToCheck: string,
): Promise<Error> {
  const thumbprint = await presentedThumbprint(url);
  if (!thumbprint) return err;
  const host = new URL(url).host;
  const message =
    `${err.message} — ${host} presented a certificate with SHA-256 ${thumbprint}. If that is the host's own ` +
    `(${where}: ${howToCheck}), pin it as the connection's thumbprint`;
  return new UntrustedCertificateError(message, err.code, host, thumbprint, howToCheck);
}
