import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rawGet } from '../../../src/transport/rawGet';
import { rawPut } from '../../../src/transport/rawPut';
import { collector, loopbackServer } from './loopback';
import { tempDir } from '../../tempDir';

const stalled = (what: RegExp) => (e: Error & { code?: string }) =>
  e.code === 'ERR_STREAM_STALLED' && what.test(e.message) && !e.message.includes('session_id');

describe('idle limit on the raw data plane', () => {
  it('a GET whose server stops sending (connection open) fails with ERR_STREAM_STALLED naming the stream', async () => {
    const srv = await loopbackServer((s) => {
      s.write('HTTP/1.0 200 OK\r\n\r\n');
      s.write(Buffer.alloc(100_000, 1));
    });
    try {
      const sink = collector();
      await assert.rejects(
        rawGet(`${srv.url}/export?session_id=secret`, { idleMs: 300 }, () => sink),
        stalled(/^GET \/export from http:\/\/127\.0\.0\.1:\d+: no data moved for 0\.3 s/),
      );
      assert.equal(sink.bytes().length, 100_000, 'what came is kept until the stall');
    } finally {
      await srv.close();
    }
  });

  it('a slow sink (our disk) is not the server stalling', async () => {
    const srv = await loopbackServer((s) => {
      s.end(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), Buffer.alloc(64 * 1024, 1)]));
    });
    try {
      const sink = collector({ spaceBytes: 1024 });
      const commit = sink.commit.bind(sink);
      sink.commit = (n: number) => {
        commit(n);
        return new Promise<void>((r) => setTimeout(r, 40));
      }; // 64 commits × 40 ms, far beyond the limit
      await rawGet(`${srv.url}/export`, { idleMs: 200 }, () => sink);
      assert.equal(sink.bytes().length, 64 * 1024);
    } finally {
      await srv.close();
    }
  });

  it('a PUT whose server stops reading fails with ERR_STREAM_STALLED', async () => {
    const srv = await loopbackServer((s) => {
      s.pause();
    });
    const file = path.join(tempDir('idle-'), 'big.xva');
    fs.writeFileSync(file, Buffer.alloc(64 << 20));
    try {
      await assert.rejects(
        rawPut(`${srv.url}/import?session_id=secret`, file, { idleMs: 300 }),
        stalled(/^PUT \/import to http:\/\/127\.0\.0\.1:\d+: no data moved/),
      );
    } finally {
      await srv.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
