import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { rawGet } from '../../../src/transport/rawGet';
import { MalformedReplyError, parseResponseHead } from '../../../src/transport/responseHead';
import { CancelledError } from '../../../src/core/errors';
import { collector, rawServer } from './loopback';
import { pattern } from '../pattern';

describe('parseResponseHead (replies are hostile)', () => {
  const head = (s: string) => parseResponseHead(Buffer.from(s, 'latin1'));
  it('reads the status, lower-cases field names, joins repeated fields, reads Content-Length', () => {
    const h = head('HTTP/1.1 200 OK\r\nTask-Id: OpaqueRef:t1\r\nContent-Length: 12\r\nX-A: 1\r\nx-a: 2');
    assert.deepEqual(h, {
      status: 200,
      headers: { 'task-id': 'OpaqueRef:t1', 'content-length': '12', 'x-a': '1, 2' },
      contentLength: 12,
    });
    assert.equal(head('HTTP/1.0 302\r\nLocation: https://h2/export?a=1').headers.location, 'https://h2/export?a=1');
  });
  it('rejects what is not an HTTP/1.x response head', () => {
    for (const bad of [
      'HTTP/2 200 OK',
      'ICY 200 OK',
      'HTTP/1.1 20 OK',
      'HTTP/1.1 200 OK\r\nno colon here',
      'HTTP/1.1 200 OK\r\nBad Name: x',
      'HTTP/1.1 200 OK\r\n folded: continuation',
    ]) {
      assert.throws(() => head(bad), MalformedReplyError, bad);
    }
  });
  it('rejects conflicting or invalid Content-Length, and chunked encoding (we asked in HTTP/1.0)', () => {
    assert.throws(() => head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6'), /invalid content-length/);
    assert.throws(() => head('HTTP/1.1 200 OK\r\nContent-Length: -1'), /invalid content-length/);
    assert.throws(() => head('HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999'), /invalid content-length/);
    assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5').contentLength, 5);
    assert.throws(() => head('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked'), /unexpected transfer-encoding/);
  });
});

describe("rawGet: a body read straight into the caller's buffers", function () {
  this.timeout(20_000);
  let srv: Awaited<ReturnType<typeof rawServer>> | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('sends an HTTP/1.0 GET with the path, query and Host, and reads a close-delimited body byte for byte', async () => {
    const body = pattern(3 * 1024 * 1024 + 17);
    srv = await rawServer((s) => {
      s.write('HTTP/1.0 200 OK\r\ntask-id: OpaqueRef:t\r\n\r\n');
      s.end(body);
    });
    const sink = collector();
    const r = await rawGet(`${srv.url}/export?ref=OpaqueRef:1&session_id=s%20x`, {}, () => sink);
    assert.equal(r.head.headers['task-id'], 'OpaqueRef:t');
    assert.equal(r.bodyBytes, body.length);
    assert.ok(sink.bytes().equals(body));
    assert.match(
      srv.requests[0],
      /^GET \/export\?ref=OpaqueRef:1&session_id=s%20x HTTP\/1\.0\r\nHost: 127\.0\.0\.1:\d+\r\n/,
    );
  });

  it('sends extra headers (a session cookie) and refuses one with CR or LF before connecting', async () => {
    srv = await rawServer((s) => {
      s.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    await rawGet(`${srv.url}/folder/x?dsName=d`, { headers: { Cookie: 'vmware_soap_session=abc' } }, () => collector());
    assert.match(srv.requests[0], /\r\nCookie: vmware_soap_session=abc\r\n/);
    await assert.rejects(
      rawGet(`${srv.url}/x`, { headers: { Cookie: 'a=b\r\nX-Evil: 1' } }, () => collector()),
      /CR or LF/,
    );
    assert.equal(srv.requests.length, 1);
  });

  it('copies body bytes that came in the same packet as the head, even into tiny spaces with a wait on every commit', async () => {
    const body = pattern(200_000);
    srv = await rawServer((s) => {
      s.end(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), body]));
    });
    const sink = collector({ spaceBytes: 7, slow: false });
    const slow = collector({ spaceBytes: 4093, slow: true });
    assert.ok((await rawGet(srv.url + '/x', {}, () => sink)).bodyBytes === body.length && sink.bytes().equals(body));
    const r = await rawGet(srv.url + '/x', {}, () => slow);
    assert.equal(
      createHash('sha256').update(slow.bytes()).digest('hex'),
      createHash('sha256').update(body).digest('hex'),
    );
    assert.equal(r.bodyBytes, body.length);
    assert.ok(slow.commits > 40, 'the slow sink paused the reader many times');
  });

  it('stops at Content-Length (bytes after it are not the body) and rejects a body cut short of it as truncated', async () => {
    srv = await rawServer((s, req) => {
      if (req.includes('/long')) s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA');
      else {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nonly this');
        setTimeout(() => s.end(), 20);
      }
    });
    const sink = collector();
    assert.equal((await rawGet(srv.url + '/long', {}, () => sink)).bodyBytes, 5);
    assert.equal(sink.bytes().toString(), 'hello');
    await assert.rejects(
      rawGet(srv.url + '/short', {}, () => collector()),
      (e: { code?: string }) => e.code === 'ERR_TRUNCATED_STREAM',
    );
  });

  it('hands a redirect or an error status back without reading its body into the sink', async () => {
    srv = await rawServer((s) => {
      s.write('HTTP/1.0 302 Found\r\nLocation: https://10.0.0.2/export?ref=x\r\n\r\n');
      s.write(Buffer.alloc(100_000));
    });
    let asked = 0;
    const r = await rawGet(srv.url + '/export', {}, (h) => {
      asked++;
      assert.equal(h.status, 302);
      return undefined;
    });
    assert.equal(r.head.status, 302);
    assert.equal(r.head.headers.location, 'https://10.0.0.2/export?ref=x');
    assert.equal(asked, 1);
  });

  it('refuses a head larger than 64 KiB and a reply that is not HTTP', async () => {
    srv = await rawServer((s, req) => {
      if (req.includes('/huge')) {
        s.write('HTTP/1.0 200 OK\r\n');
        const line = `X-Junk: ${'a'.repeat(1000)}\r\n`;
        for (let i = 0; i < 100; i++) s.write(line);
      } else s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n');
    });
    await assert.rejects(
      rawGet(srv.url + '/huge', {}, () => collector()),
      /response head larger than 65536 bytes/,
    );
    await assert.rejects(
      rawGet(srv.url + '/ssh', {}, () => collector()),
      /not an HTTP\/1\.x status line/,
    );
  });

  it('rejects a connection closed before the head, and a reset mid-body, with codes the retry policy knows', async () => {
    srv = await rawServer((s, req) => {
      if (req.includes('/nothing')) s.end();
      else {
        s.write('HTTP/1.0 200 OK\r\n\r\n');
        s.write(Buffer.alloc(50_000));
        setTimeout(() => s.resetAndDestroy(), 20);
      }
    });
    await assert.rejects(
      rawGet(srv.url + '/nothing', {}, () => collector()),
      (e: { code?: string }) => e.code === 'ERR_STREAM_PREMATURE_CLOSE',
    );
    await assert.rejects(
      rawGet(srv.url + '/reset', {}, () => collector()),
      (e: { code?: string }) => e.code === 'ECONNRESET',
    );
  });

  it('is cancelled by its signal mid-body, and closes the connection', async () => {
    let closed!: Promise<void>;
    srv = await rawServer((s) => {
      closed = new Promise((r) => s.on('close', () => r()));
      s.write('HTTP/1.0 200 OK\r\n\r\n');
      const t = setInterval(() => s.write(Buffer.alloc(16_384)), 5);
      s.on('close', () => clearInterval(t));
    });
    const ac = new AbortController();
    const sink = collector();
    // Cancelled once body bytes have arrived (a hook, not a delay: a timer could fire before any byte under load).
    const commit = sink.commit.bind(sink);
    sink.commit = (n: number) => {
      const r = commit(n);
      if (sink.commits === 1) ac.abort();
      return r;
    };
    const got = rawGet(srv.url + '/export', { signal: ac.signal }, () => sink);
    await assert.rejects(got, CancelledError);
    await closed;
    assert.ok(sink.bytes().length > 0);
  });
});
