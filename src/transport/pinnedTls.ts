// Certificate pinning: a connection that opts out of CA verification must name the certificate it trusts.
import * as tls from 'node:tls';
import { createHash } from 'node:crypto';

export function normaliseThumbprint(t: string): string {
  return t
    .replace(/[^0-9a-f]/gi, '')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}

/** The SHA-256 thumbprint of a certificate (its DER bytes), as normaliseThumbprint writes it. */
export function sha256Thumbprint(der: Buffer): string {
  return normaliseThumbprint(createHash('sha256').update(der).digest('hex'));
}

/** Certificate check used when a thumbprint is pinned: the peer certificate must hash to it (SHA-1 or SHA-256). */
export function pinnedCheck(thumbprint: string, peer = 'server') {
  const want = normaliseThumbprint(thumbprint);
  return (cert: tls.PeerCertificate): Error | undefined => {
    const raw = cert.raw;
    const got = [normaliseThumbprint(createHash('sha1').update(raw).digest('hex')), sha256Thumbprint(raw)];
    return got.includes(want)
      ? undefined
      : new Error(`Certificate thumbprint mismatch: expected ${want}, ${peer} presented ${got[1]}`);
  };
}

/**
 * A TLS connection that is handed over (cb) only after the peer's certificate matched the pin, so no byte (a
 * password, a session in a URL) is ever sent to an unpinned peer. Node skips its own checks here
 * (rejectUnauthorized false), which is why the pin must be enforced before anyone writes.
 */
export function connectPinned(
  options: tls.ConnectionOptions,
  thumbprint: string,
  cb: (err: Error | null, socket?: tls.TLSSocket) => void,
): tls.TLSSocket {
  const check = pinnedCheck(thumbprint, options.host ?? options.servername);
  const socket = tls.connect({ ...options, rejectUnauthorized: false });
  const onError = (err: Error) => cb(err);
  socket.once('error', onError);
  socket.once('secureConnect', () => {
    socket.removeListener('error', onError);
    const err = check(socket.getPeerCertificate());
    if (err) {
      socket.destroy();
      cb(err);
    } else cb(null, socket);
  });
  return socket;
}
