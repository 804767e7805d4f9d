// POST / (and /RPC2, and any POST path no other handler takes): XML-RPC, as xapi serves it beside /jsonrpc
// (ocaml/xapi/api_server.ml: the same dispatcher for both; the reply is always HTTP 200 with a Status struct).
import { IncomingMessage, ServerResponse } from 'http';
import { setTimeout as delay } from 'node:timers/promises';
import { XapiError } from './errors';
import { internalErrorPage, readBody } from './jsonrpc';
import { dispatch, resultType, RpcContext } from './rpc';
import { failureResponse, marshal, parseMethodCall, successResponse, XmlRpcParseError } from './xmlrpcCodec';

export async function handleXmlRpc(ctx: RpcContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  let call: { method: string; params: unknown[] };
  try {
    call = parseMethodCall(text);
  } catch (e) {
    if (!(e instanceof XmlRpcParseError)) throw e;
    return internalErrorPage(res, 'Xml_parse_failure');
  }
  let body: string;
  try {
    const result = await dispatch(ctx, call.method, call.params);
    body = successResponse(marshal(result, resultType(call.method)));
  } catch (e) {
    const err = e instanceof XapiError ? e : new XapiError('INTERNAL_ERROR', [String(e)]);
    body = failureResponse(err.toArray());
  }
  const slow = ctx.faults.slowNextReply;
  if (slow && slow.method === call.method) {
    ctx.faults.slowNextReply = undefined;
    await delay(slow.ms);
  }
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
