// Plain HTTP and JSON-RPC calls to the XAPI lab, for tests that check the lab itself (no product code in between).
import http from 'node:http';
import { XapiLab } from '../lab/xapi';

export function req(
  lab: XapiLab,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = http.request(`${lab.url}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

export async function rpc(lab: XapiLab, method: string, params: unknown[], v2 = true): Promise<any> {
  const env = v2 ? { jsonrpc: '2.0', method, params, id: 1 } : { method, params, id: 'x' };
  const r = await req(lab, 'POST', '/jsonrpc', JSON.stringify(env), { 'content-type': 'application/json' });
  return JSON.parse(r.body.toString());
}
