// axios instances with TLS verification on by default; opt-out only with a pinned certificate thumbprint.
import axios, { AxiosInstance } from 'axios';
import * as https from 'node:https';
import * as http from 'node:http';
import * as tls from 'node:tls';
import { createHash } from 'node:crypto';

export interface HttpOptions { baseURL: string; thumbprint?: string; timeoutMs?: number }

export function normaliseThumbprint(t: string): string {
  return t.replace(/[^0-9a-f]/gi, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Certificate check used when a thumbprint is pinned: the peer certificate must hash to it (SHA-1 or SHA-256). */
export function pinnedCheck(thumbprint: string) {
  const want = normaliseThumbprint(thumbprint);
  return (_host: string, cert: tls.PeerCertificate): Error | undefined => {
    const raw = cert.raw;
    const got = [createHash('sha1').update(raw).digest('hex'), createHash('sha256').update(raw).digest('hex')].map(normaliseThumbprint);
    return got.includes(want) ? undefined : new Error(`Certificate thumbprint mismatch: expected ${want}, server presented ${got[1]}`);
  };
}

export function createHttp(opts: HttpOptions): AxiosInstance {
  const httpsAgent = opts.thumbprint
    ? new https.Agent({ keepAlive: true })
    : new https.Agent({ keepAlive: true, rejectUnauthorized: true });
  // With rejectUnauthorized false Node skips checkServerIdentity: enforce the pin ourselves.
  if (opts.thumbprint) enforcePin(httpsAgent, opts.thumbprint);
  return axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 60_000,
    httpsAgent,
    httpAgent: new http.Agent({ keepAlive: true }),
    maxRedirects: 0,
    validateStatus: () => true,
    maxContentLength: 64 * 1024 * 1024,
    proxy: false,
  });
}

/** Hands the socket to the request only after the pin matched, so no byte (a password) is sent to an unpinned peer. */
function enforcePin(agent: https.Agent, thumbprint: string): void {
  const check = pinnedCheck(thumbprint);
  type Create = (options: tls.ConnectionOptions, cb: (err: Error | null, s?: tls.TLSSocket) => void) => tls.TLSSocket | undefined;
  (agent as unknown as { createConnection: Create }).createConnection = (options, cb) => {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    const onError = (err: Error) => cb(err);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const err = check('', socket.getPeerCertificate());
      if (err) { socket.destroy(); cb(err); } else cb(null, socket);
    });
    return undefined;
  };
}
