import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { rawPut } from '../../../src/transport/rawPut';
import { createHash } from 'node:crypto';
import { BackupContentError, CancelledError } from '../../../src/core/errors';
import { loopbackServer } from './loopback';
import { pattern } from '../pattern';
import { tempDir } from '../../tempDir';

interface Upload {
  head: string;
  body: Buffer;
}

/** A server that reads the request head, then hands the socket to `serve` with what it has of the body. */
async function uploadServer(
  serve: (s: net.Socket, up: Upload, contentLength: number) => void,
): Promise<{ url: string; uploads: Upload[]; close(): Promise<void> }> {
  const uploads: Upload[] = [];
  const server = await loopbackServer((s) => {
    let buf = Buffer.alloc(0);
    let up: Upload | undefined;
    s.on('data', (d: Buffer) => {
      if (up) {
        up.body = Buffer.concat([up.body, d]);
        return;
      }
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      up = { head: buf.subarray(0, end).toString('latin1'), body: buf.subarray(end + 4) };
      uploads.push(up);
      serve(s, up, Number(/content-length: (\d+)/i.exec(up.head)?.[1] ?? -1));
    });
  });
  return { ...server, uploads };
}

/** Replies once the whole body has arrived. */
const whenComplete = (reply: string) => (s: net.Socket, up: Upload, cl: number) => {
  const check = () => {
    if (up.body.length >= cl) {
      s.removeListener('data', check);
      s.end(reply);
    }
  };
  s.on('data', check);
  check();
};

function file(bytes: Buffer): string {
  const f = path.join(tempDir('rawput-'), 'x.xva');
  fs.writeFileSync(f, bytes);
  return f;
}

describe('rawPut: a file uploaded from reused buffers', function () {
  this.timeout(20_000);
  let srv: Awaited<ReturnType<typeof uploadServer>> | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('sends an HTTP/1.0 PUT with the exact Content-Length and every byte, and reports them as the socket takes them', async () => {
    const bytes = pattern(3 * 1024 * 1024 + 5);
    srv = await uploadServer(whenComplete('HTTP/1.0 200 OK\r\ntask-id: OpaqueRef:t\r\n\r\n'));
    let reported = 0;
    const head = await rawPut(`${srv.url}/import?session_id=s&task_id=t`, file(bytes), {
      onBytes: (n) => {
        reported += n;
      },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers['task-id'], 'OpaqueRef:t');
    const up = srv.uploads[0];
    assert.match(up.head, /^PUT \/import\?session_id=s&task_id=t HTTP\/1\.0\r\n/);
    assert.match(up.head, new RegExp(`\r\nContent-Length: ${bytes.length}(\r\n|$)`));
    assert.doesNotMatch(up.head, /transfer-encoding/i);
    assert.ok(up.body.equals(bytes));
    assert.equal(reported, bytes.length);
  });

  it('returns an early refusal as it is (the server answered before it read the body, then closed)', async () => {
    srv = await uploadServer((s) => {
      s.write('HTTP/1.0 403 Forbidden\r\n\r\nchunked transfer-encoding not supported');
      setTimeout(() => s.destroy(), 30);
    });
    const head = await rawPut(`${srv.url}/import`, file(Buffer.alloc(8 * 1024 * 1024, 7)));
    assert.equal(head.status, 403);
  });

  it('keeps sending after a complete 200 that came early (XAPI may answer before it has read the body)', async () => {
    const bytes = pattern(2 * 1024 * 1024);
    srv = await uploadServer((s, up, cl) => {
      s.write('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n');
      const check = () => {
        if (up.body.length >= cl) s.end();
      };
      s.on('data', check);
    });
    const head = await rawPut(`${srv.url}/import`, file(bytes));
    assert.equal(head.status, 200);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(srv.uploads[0].body.equals(bytes), 'the whole body arrived');
  });

  it('with the sha256 the manifest records: sends every byte when the file matches it', async () => {
    const bytes = pattern(3 * 1024 * 1024 + 7);
    srv = await uploadServer(whenComplete('HTTP/1.0 200 OK\r\n\r\n'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const head = await rawPut(`${srv.url}/import`, file(bytes), { sha256 });
    assert.equal(head.status, 200);
    assert.ok(srv.uploads[0].body.equals(bytes));
  });

  it('with a sha256 the file does not match: stops short of the Content-Length (the server never has it all) and says which file', async () => {
    const bytes = pattern(3 * 1024 * 1024 + 7);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 10] ^= 1; // in the last buffer: everything before it was sent
    srv = await uploadServer(whenComplete('HTTP/1.0 200 OK\r\n\r\n'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await assert.rejects(
      rawPut(`${srv.url}/import`, file(damaged), { sha256 }),
      (e) =>
        e instanceof BackupContentError &&
        (e as BackupContentError).code === 'INVALID_BACKUP' &&
        /^x\.xva: sha256 differs from the manifest — the upload was stopped before its last bytes/.test(e.message),
    );
    await new Promise((r) => setTimeout(r, 50));
    const got = srv.uploads[0].body.length;
    assert.ok(got < bytes.length, `the server got ${got} of ${bytes.length} bytes`);
    // and an empty file is checked too
    await assert.rejects(rawPut(`${srv.url}/import`, file(Buffer.alloc(0)), { sha256 }), BackupContentError);
  });

  it('is cancelled by its signal mid-upload', async () => {
    srv = await uploadServer(() => undefined); // reads (slowly: never answers)
    const ac = new AbortController();
    let sent = 0;
    const got = rawPut(`${srv.url}/import`, file(Buffer.alloc(64 * 1024 * 1024, 7)), {
      signal: ac.signal,
      onBytes: (n) => {
        sent += n;
        if (sent >= 2 * 1024 * 1024) ac.abort();
      },
    });
    await assert.rejects(got, CancelledError);
    assert.ok(srv.uploads[0].body.length < 64 * 1024 * 1024);
  });

  it('refuses a reply larger than 1 MiB', async () => {
    srv = await uploadServer(whenComplete('HTTP/1.0 200 OK\r\n\r\n' + 'x'.repeat(2 * 1024 * 1024)));
    await assert.rejects(rawPut(`${srv.url}/import`, file(pattern(1000))), /reply to an upload larger than/);
  });
});
