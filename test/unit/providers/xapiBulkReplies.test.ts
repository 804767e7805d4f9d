// The XAPI client's large replies (get_all_records, read by rawPost) and the ones read when first asked for
// (callDeferred), against a server that sends what a broken or hostile xapi could: cut JSON, a reply over the limit
// (declared or not), an error where a table was expected.
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { XapiClient } from '../../../src/providers/xen/xapiClient';
import { VendorError } from '../../../src/core/errors';

type Reply = (res: http.ServerResponse, method: string, params: unknown[]) => void;

const json = (res: http.ServerResponse, body: string) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
const ok = (result: unknown) => (res: http.ServerResponse) =>
  json(res, JSON.stringify({ jsonrpc: '2.0', result, id: 1 }));

describe('XapiClient: large and deferred replies from a hostile server', function () {
  this.timeout(30_000);
  let server: http.Server;
  let url: string;
  const replies = new Map<string, Reply>();
  const calls: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        const { method, params } = JSON.parse(b) as { method: string; params: unknown[] };
        calls.push(method);
        const reply = replies.get(method);
        if (reply) return reply(res, method, params);
        if (method === 'session.login_with_password') return ok(`OpaqueRef:session-${calls.length}`)(res);
        ok({})(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    replies.clear();
    calls.length = 0;
  });

  const client = (maxReplyBytes?: number) =>
    new XapiClient({ url, username: 'root', password: 'bulk-secret-pw', maxReplyBytes });
  const malformed = (method: string, why: RegExp) => (e: unknown) =>
    e instanceof VendorError &&
    e.code === 'XAPI_MALFORMED_REPLY' &&
    e.params[0] === method &&
    why.test(e.params[1]) &&
    e.params[2] === `from ${new URL(url).host}`;

  it('reads a table whose reply begins as a success but is cut: XAPI_MALFORMED_REPLY naming the host, once', async () => {
    replies.set('VDI.get_all_records', (res) => json(res, '{"jsonrpc":"2.0","result":{"OpaqueRef:a":{"uuid":'));
    const value = await client().callDeferred('VDI.get_all_records');
    let first: unknown;
    assert.throws(value, (e) => ((first = e), malformed('VDI.get_all_records', /the reply is not JSON/)(e)));
    // The reply's bytes are gone after the first read: a second read gives the same error without parsing again.
    assert.throws(value, (e) => e === first);
  });

  it('gives the same records to every read of a deferred table, read once', async () => {
    replies.set('VDI.get_all_records', ok({ 'OpaqueRef:v': { uuid: 'u' } }));
    const value = await client().callDeferred<Record<string, unknown>>('VDI.get_all_records');
    assert.equal(value(), value());
    assert.deepEqual(Object.keys(value()), ['OpaqueRef:v']);
  });

  it('an error reply to a deferred table is read at once: SESSION_INVALID logs in again and asks again', async () => {
    let expired = true;
    replies.set('VBD.get_all_records', (res) => {
      if (!expired) return ok({ 'OpaqueRef:b': { VDI: 'OpaqueRef:v', type: 'Disk' } })(res);
      expired = false;
      json(res, JSON.stringify({ jsonrpc: '2.0', error: { code: 1, message: 'SESSION_INVALID', data: ['x'] }, id: 1 }));
    });
    const value = await client().callDeferred<Record<string, unknown>>('VBD.get_all_records');
    assert.deepEqual(Object.keys(value()), ['OpaqueRef:b']);
    assert.deepEqual(calls, [
      'session.login_with_password',
      'VBD.get_all_records',
      'session.login_with_password',
      'VBD.get_all_records',
    ]);
  });

  it('calls that find their session expired together log in again once, and each is asked again in the new session', async () => {
    const classes = ['VM', 'host', 'VDI', 'VBD', 'VIF', 'network'];
    let first: unknown;
    for (const cls of classes)
      replies.set(`${cls}.get_all_records`, (res, _m, params) => {
        first ??= params[0];
        if (params[0] !== first) return ok({})(res);
        json(
          res,
          JSON.stringify({ jsonrpc: '2.0', error: { code: 1, message: 'SESSION_INVALID', data: ['x'] }, id: 1 }),
        );
      });
    const c = client();
    await c.login();
    const tables = await Promise.all(classes.map((cls) => c.call(`${cls}.get_all_records`)));
    assert.deepEqual(
      tables,
      classes.map(() => ({})),
    );
    assert.equal(calls.filter((m) => m === 'session.login_with_password').length, 2, calls.join(', '));
    assert.equal(calls.filter((m) => m.endsWith('.get_all_records')).length, classes.length * 2);
  });

  it('refuses a reply whose declared length is over maxReplyBytes, before taking the memory', async () => {
    replies.set('VM.get_all_records', (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 40) });
      res.write('{"jsonrpc":"2.0","result":{');
    });
    await assert.rejects(
      client(1024 * 1024).call('VM.get_all_records'),
      malformed('VM.get_all_records', /larger than the limit of 1048576 bytes \(it declares 1099511627776\)/),
    );
  });

  it('refuses a reply without a length that goes on past maxReplyBytes', async () => {
    replies.set('VM.get_all_records', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // HTTP/1.0: no length, the body ends at the close
      res.write('{"jsonrpc":"2.0","result":{' + ' '.repeat(3 * 1024 * 1024));
    });
    await assert.rejects(
      client(2 * 1024 * 1024).call('VM.get_all_records'),
      malformed('VM.get_all_records', /larger than the limit of 2097152 bytes/),
    );
  });

  it('reads a reply without a length to its close, in pieces joined once', async () => {
    const records = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`OpaqueRef:n${i}`, { name_label: `net ${i}`.padEnd(900, '.') }]),
    );
    replies.set('network.get_all_records', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', result: records, id: 1 }));
    });
    assert.deepEqual(await client().call('network.get_all_records'), records);
  });

  it('sendDeferred: `sent` resolves once the request is out, before a reply the server holds back', async () => {
    let release: (() => void) | undefined;
    replies.set('VM.get_all_records', (res) => (release = () => ok({})(res)));
    const c = client();
    await c.login();
    const call = c.sendDeferred<Record<string, unknown>>('VM.get_all_records');
    let replied = false;
    void call.reply.then(() => (replied = true));
    await call.sent;
    assert.equal(replied, false);
    while (!release) await new Promise((r) => setTimeout(r, 10));
    release();
    assert.deepEqual((await call.reply)(), {});
  });

  it('sendDeferred: `sent` resolves, and `reply` rejects, when the server cannot be reached', async () => {
    const c = new XapiClient({ url: 'http://127.0.0.1:1', username: 'root', password: 'bulk-secret-pw' });
    const call = c.sendDeferred('VM.get_all_records');
    await call.sent;
    await assert.rejects(call.reply);
  });

  it('an HTML error page in place of a table: HTTP_<status>', async () => {
    replies.set('SR.get_all_records', (res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body><h1>HTTP 500 internal server error</h1></body></html>');
    });
    await assert.rejects(
      client().callDeferred('SR.get_all_records'),
      (e) => e instanceof VendorError && e.code === 'HTTP_500',
    );
  });
});
