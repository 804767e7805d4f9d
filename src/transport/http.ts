// axios instances with TLS verification on by default; opt-out only with a pinned certificate thumbprint.
import axios, { AxiosInstance } from 'axios';
import * as https from 'node:https';
import * as http from 'node:http';
import * as tls from 'node:tls';
import { connectPinned } from './pinnedTls';

/**
 * How long a request may go without a byte moving before it fails (axios's `timeout`, which Node applies to the
 * socket's inactivity); the raw readers (rawPost) take the same limit for the same calls.
 */
export const DEFAULT_IDLE_MS = 60_000;

export interface HttpOptions {
  baseURL: string;
  thumbprint?: string;
  timeoutMs?: number;
}

export function createHttp(opts: HttpOptions): AxiosInstance {
  const httpsAgent = opts.thumbprint
    ? new https.Agent({ keepAlive: true })
    : new https.Agent({ keepAlive: true, rejectUnauthorized: true });
  // With rejectUnauthorized false Node skips checkServerIdentity: enforce the pin ourselves.
  if (opts.thumbprint) enforcePin(httpsAgent, opts.thumbprint);
  return axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? DEFAULT_IDLE_MS,
    httpsAgent,
    ...(opts.thumbprint ? { transport: agentKeepingTransport } : {}),
    httpAgent: new http.Agent({ keepAlive: true }),
    maxRedirects: 0,
    validateStatus: () => true,
    maxContentLength: 64 * 1024 * 1024,
    proxy: false,
  });
}

/**
 * Requests through Node's ClientRequest itself, with the agent they are given, instead of `https.request`: inside VS Code
 * `https.request` is wrapped by its proxy support (`@vscode/proxy-agent` index.js, setting `http.proxySupport`, default
 * "override"), which keeps a request's own agent only for `localhost` and `127.0.0.1` and sends every other host through
 * the global agent: the pinned agent's createConnection was skipped and a pinned vCenter or XCP-ng host failed with
 * DEPTH_ZERO_SELF_SIGNED_CERT. A pinned connection therefore goes direct, never through a proxy VS Code knows of.
 */
const agentKeepingTransport = {
  request: (options: http.RequestOptions, cb: (res: http.IncomingMessage) => void) =>
    new http.ClientRequest(options, cb),
};

/** The agent's sockets come from connectPinned: the request is written only after the pin matched. */
function enforcePin(agent: https.Agent, thumbprint: string): void {
  type Create = (
    options: tls.ConnectionOptions,
    cb: (err: Error | null, s?: tls.TLSSocket) => void,
  ) => tls.TLSSocket | undefined;
  (agent as unknown as { createConnection: Create }).createConnection = (options, cb) => {
    connectPinned(options, thumbprint, cb);
    return undefined;
  };
}
