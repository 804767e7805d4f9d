// Minimal JSON-RPC caller for lab tests (xapi's JSON-RPC v2 envelope), independent of the product's client.
import { XapiLab } from '../lab/xapi';

export interface RpcReply {
  result?: any;
  error?: { code: number; message: string; data: string[] };
}

export async function labRpc(url: string, method: string, params: unknown[]): Promise<RpcReply> {
  const r = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
  });
  return (await r.json()) as RpcReply;
}

/** Calls and returns the result; throws `CODE param…` on an XAPI error. */
export async function labCall(lab: XapiLab | string, method: string, ...params: unknown[]): Promise<any> {
  const r = await labRpc(typeof lab === 'string' ? lab : lab.url, method, params);
  if (r.error)
    throw Object.assign(new Error([r.error.message, ...r.error.data].join(' ')), {
      code: r.error.message,
      params: r.error.data,
    });
  return r.result;
}

export function labLogin(lab: XapiLab, password = 'lab-secret'): Promise<string> {
  return labCall(lab, 'session.login_with_password', 'root', password, '2.21', 'lab-test');
}
