// POST /jsonrpc: JSON-RPC v2 and v1 envelopes; malformed → HTTP 500 HTML.
import { IncomingMessage, ServerResponse } from 'http';
import { XapiError } from './errors';
import { setTimeout as delay } from 'node:timers/promises';
import { dispatch, RpcContext } from './rpc';

/** The whole request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function malformed(res: ServerResponse, why: string): void {
  internalErrorPage(res, `Jsonrpc.Malformed_method_request("${why.replace(/[<>&"]/g, '')}")`);
}

/** xapi's HTTP 500 page for a request its RPC front end cannot parse; `info` goes under "Additional information". */
export function internalErrorPage(res: ServerResponse, info: string): void {
  const body = `<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while and try again. If the problem persists, please contact your support representative.<h1> Additional information </h1>${info}</body></html>`;
  res.writeHead(500, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function handleJsonRpc(ctx: RpcContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  let msg: { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
  try {
    msg = JSON.parse(text);
  } catch {
    return malformed(res, text.slice(0, 200));
  }
  if (
    !msg ||
    typeof msg !== 'object' ||
    typeof msg.method !== 'string' ||
    !Array.isArray(msg.params) ||
    msg.id === undefined ||
    msg.id === null
  ) {
    return malformed(res, text.slice(0, 200));
  }
  const v2 = msg.jsonrpc === '2.0';
  let out: unknown;
  const gen = ctx.store.generation();
  let writtenAt: bigint | undefined;
  try {
    const pending = dispatch(ctx, msg.method, msg.params);
    if (ctx.store.writeTimes) writtenAt = ctx.store.writeTimeOf(gen + 1); // a setter writes before its first await
    const result = await pending;
    out = v2 ? { jsonrpc: '2.0', result, id: msg.id } : { result, error: null, id: msg.id };
  } catch (e) {
    const err = e instanceof XapiError ? e : new XapiError('INTERNAL_ERROR', [String(e)]);
    out = v2
      ? { jsonrpc: '2.0', error: { code: 1, message: err.code, data: err.params }, id: msg.id }
      : { result: null, error: err.toArray(), id: msg.id };
  }
  const body = JSON.stringify(out);
  const slow = ctx.faults.slowNextReply;
  if (slow && slow.method === msg.method) {
    ctx.faults.slowNextReply = undefined;
    await delay(slow.ms);
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(writtenAt !== undefined ? { 'x-lab-write-hrtime': String(writtenAt) } : {}),
  });
  res.end(body);
}
