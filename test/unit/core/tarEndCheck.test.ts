import { strict as assert } from 'node:assert';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tarEndCheck } from '../../../src/core/tarEndCheck';

const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });
const from = (...parts: Buffer[]) => Readable.from(parts);

describe('tarEndCheck', () => {
  it('passes a tar that ends with two zero blocks, whatever the chunking', async () => {
    await pipeline(from(Buffer.alloc(512, 1), Buffer.alloc(1000), Buffer.alloc(24)), tarEndCheck('x'), sink());
    await pipeline(from(Buffer.alloc(3000, 1), Buffer.alloc(2048)), tarEndCheck('x'), sink());
  });
  it('fails a stream cut before the end-of-archive marker', async () => {
    await assert.rejects(pipeline(from(Buffer.alloc(512, 1), Buffer.alloc(600)), tarEndCheck('/export'), sink()), /ERR_TRUNCATED|ended before the end of the archive/);
    await assert.rejects(pipeline(from(Buffer.alloc(100)), tarEndCheck('/export'), sink()), /ended before/);
  });
});
