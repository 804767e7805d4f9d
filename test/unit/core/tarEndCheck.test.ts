import { strict as assert } from 'node:assert';
import { tarEndCheck } from '../../../src/core/tarEndCheck';

function feed(what: string, ...parts: Buffer[]): void {
  const check = tarEndCheck(what);
  for (const p of parts) check.update(p);
  check.end();
}

describe('tarEndCheck', () => {
  it('passes a tar that ends with two zero blocks, whatever the chunking', () => {
    assert.doesNotThrow(() => feed('x', Buffer.alloc(512, 1), Buffer.alloc(1000), Buffer.alloc(24)));
    assert.doesNotThrow(() => feed('x', Buffer.alloc(3000, 1), Buffer.alloc(2048)));
    assert.doesNotThrow(() => feed('x', Buffer.alloc(512, 1), ...Array.from({ length: 1024 }, () => Buffer.alloc(1))));
  });
  it('fails a stream cut before the end-of-archive marker', () => {
    assert.throws(() => feed('/export', Buffer.alloc(512, 1), Buffer.alloc(600)), (e: Error & { code?: string }) => e.code === 'ERR_TRUNCATED_STREAM' && /\/export ended before the end of the archive/.test(e.message));
    assert.throws(() => feed('/export', Buffer.alloc(100)), /ended before/);
    assert.throws(() => feed('/export', Buffer.alloc(2048), Buffer.alloc(1, 7)), /ended before/);
  });
  it('keeps its own copy of the tail: the caller reuses the memory of a chunk once it is written', () => {
    const check = tarEndCheck('x');
    const slab = Buffer.alloc(1500);
    check.update(slab.subarray(0, 1200)); // ends with 1024 zero bytes …
    slab.fill(9); // … which the next read then overwrites in place
    check.update(Buffer.alloc(0));
    assert.doesNotThrow(() => check.end());
    const cut = tarEndCheck('x');
    const mem = Buffer.alloc(2000, 5);
    cut.update(mem.subarray(0, 1500));
    mem.fill(0);
    assert.throws(() => cut.end(), /ended before/);
  });
});
