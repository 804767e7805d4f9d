// An HTTP front for the lab that can replace the reply to chosen JSON-RPC methods (wrong types, null, odd errors):
// what a broken or hostile XAPI could send. Everything else passes unchanged.
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';

/** method → the JSON-RPC reply body to send instead of the lab's (`result` or `error`), given the lab's reply. */
export type Rewrites = Record<
  string,
  (reply: { result?: unknown; error?: unknown }) => { result?: unknown; error?: unknown }
>;

/**
 * Listens on http://`listen.host`:`listen.port` (default: the target's host, any port). An https target is reached
 * without verifying its certificate: the front plays a master whose own certificate is not what the test is about.
 */
export async function startRpcRewriter(
  target: string,
  listen: { host?: string; port?: number } = {},
): Promise<{ url: string; rewrites: Rewrites; close(): Promise<void> }> {
  const t = new URL(target);
  const rewrites: Rewrites = {};
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const request = t.protocol === 'https:' ? https.request : http.request;
      const up = request(
        {
          host: t.hostname,
          port: t.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: t.host },
          rejectUnauthorized: false,
        },
        (ur) => {
          const back: Buffer[] = [];
          ur.on('data', (c) => back.push(c));
          ur.on('end', () => {
            let out = Buffer.concat(back);
            if (req.url === '/jsonrpc') {
              const method = (JSON.parse(body.toString('utf8')) as { method: string }).method;
              const reply = JSON.parse(out.toString('utf8')) as {
                id: unknown;
                jsonrpc: string;
                result?: unknown;
                error?: unknown;
              };
              const rewrite = rewrites[method];
              if (rewrite)
                // in xapi's order: jsonrpc, result or error, id (xen-api src/lib/jsonrpc.ml json_of_response)
                out = Buffer.from(JSON.stringify({ jsonrpc: reply.jsonrpc, ...rewrite(reply), id: reply.id }));
            }
            const headers = { ...ur.headers, 'content-length': String(out.length) };
            delete headers['transfer-encoding'];
            res.writeHead(ur.statusCode ?? 502, headers);
            res.end(out);
          });
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  const host = listen.host ?? t.hostname;
  await new Promise<void>((resolve) => server.listen(listen.port ?? 0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    rewrites,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
