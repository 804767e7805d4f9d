import { strict as assert } from 'node:assert';
import { rawPost } from '../../../src/transport/rawPost';
import { MalformedReplyError } from '../../../src/transport/responseHead';
import { StalledError } from '../../../src/core/errors';
import { rawServer } from './loopback';
import { pattern } from '../pattern';

describe('rawPost: a large reply read into one buffer', function () {
  this.timeout(20_000);
  let srv: Awaited<ReturnType<typeof rawServer>> | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('sends an HTTP/1.0 POST with its body and Content-Length, and reads a reply of the declared length', async () => {
    const body = pattern(5 * 1024 * 1024 + 3);
    srv = await rawServer((s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      s.end(body);
    });
    const r = await rawPost(`${srv.url}/jsonrpc`, '{"method":"VM.get_all_records","name":"é"}', {
      headers: { 'Content-Type': 'application/json' },
      maxBytes: body.length,
    });
    assert.equal(r.head.status, 200);
    assert.ok(r.body.equals(body));
    assert.match(srv.requests[0], /^POST \/jsonrpc HTTP\/1\.0\r\nHost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(srv.requests[0], /\r\nContent-Type: application\/json\r\nContent-Length: 43\r\n\r\n/);
  });

  it('tells onSent once the request is written, before the reply, which the server sends only after it', async () => {
    const events: string[] = [];
    let answer: (() => void) | undefined;
    srv = await rawServer((s) => {
      events.push('request at the server');
      answer = () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
    const reply = rawPost(`${srv.url}/jsonrpc`, '{"method":"VM.get_all_records"}', {
      maxBytes: 100,
      onSent: () => {
        events.push('sent');
        setTimeout(() => answer?.(), 50);
      },
    }).then((r) => events.push(`reply ${r.body.toString()}`));
    await reply;
    assert.deepEqual(
      events.filter((e) => e !== 'request at the server'),
      ['sent', 'reply {}'],
    );
    assert.ok(events.includes('request at the server'));
  });

  it('never tells onSent when the connection fails first', async () => {
    let sent = 0;
    srv = await rawServer(() => undefined);
    const url = srv.url;
    await srv.close();
    srv = undefined;
    await assert.rejects(rawPost(`${url}/jsonrpc`, '{}', { maxBytes: 100, onSent: () => sent++ }));
    assert.equal(sent, 0);
  });

  it('refuses a declared length over maxBytes, and a body without one that goes past it', async () => {
    srv = await rawServer((s, req) => {
      if (req.includes('/declared')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000001\r\n\r\n{');
      else s.write(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), pattern(3 * 1024 * 1024)]));
    });
    await assert.rejects(
      rawPost(`${srv.url}/declared`, '{}', { maxBytes: 1_000_000 }),
      (e) => e instanceof MalformedReplyError && /limit of 1000000 bytes \(it declares 1000001\)/.test(e.message),
    );
    await assert.rejects(
      rawPost(`${srv.url}/undeclared`, '{}', { maxBytes: 2 * 1024 * 1024 }),
      (e) => e instanceof MalformedReplyError && /limit of 2097152 bytes \(it sent more/.test(e.message),
    );
  });

  it('rejects a body cut short of its Content-Length, and one that stops moving (idle limit)', async () => {
    srv = await rawServer((s, req) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nonly this');
      if (req.includes('/short')) setTimeout(() => s.end(), 20);
    });
    await assert.rejects(
      rawPost(`${srv.url}/short`, '{}', { maxBytes: 1000 }),
      (e: { code?: string }) => e.code === 'ERR_TRUNCATED_STREAM',
    );
    await assert.rejects(
      rawPost(`${srv.url}/stalled`, '{}', { maxBytes: 1000, idleMs: 100 }),
      (e) => e instanceof StalledError && /POST \/stalled to http:\/\/127\.0\.0\.1:\d+/.test(e.message),
    );
  });
});
