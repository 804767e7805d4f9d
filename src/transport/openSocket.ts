// A raw connection to an http(s) URL's origin, under the same TLS policy as the axios layer (http.ts).
import * as net from 'node:net';
import * as tls from 'node:tls';
import { CancelledError } from '../core/errors';
import { connectPinned } from './pinnedTls';

export interface OpenSocketOptions {
  /** Pinned certificate (SHA-1 or SHA-256); without it the certificate must verify against the CAs. */
  thumbprint?: string;
  /** Read straight into the caller's buffers (net.Socket's onread): no allocation per chunk. */
  onread?: net.OnReadOpts;
  signal?: AbortSignal;
}

/** Where a socket to an http(s) URL connects: the host without IPv6 brackets, the port, and the TLS server name (SNI: not for an IP). */
export function socketTarget(url: URL): { host: string; port: number; servername?: string } {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return net.isIP(host) ? { host, port } : { host, port, servername: host };
}

/** Resolves once the socket is connected (and, for https, verified or pin-checked); nothing has been sent yet. */
export function openSocket(url: URL, opts: OpenSocketOptions): Promise<net.Socket> {
  const https = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError());
    let socket: net.Socket | undefined;
    const onAbort = () => {
      socket?.destroy();
      reject(new CancelledError());
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (err: Error | null, s?: net.Socket) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err || !s) reject(err ?? new Error('no socket'));
      else resolve(s);
    };
    const base = { ...socketTarget(url), onread: opts.onread };
    if (https && opts.thumbprint) {
      socket = connectPinned(base, opts.thumbprint, settle);
      return;
    }
    const s: net.Socket = https ? tls.connect({ ...base, rejectUnauthorized: true }) : net.connect(base);
    socket = s;
    const onError = (err: Error) => settle(err);
    s.once('error', onError);
    s.once(https ? 'secureConnect' : 'connect', () => {
      s.removeListener('error', onError);
      settle(null, s);
    });
  });
}
