import { strict as assert } from 'node:assert';
import { withRetry, isTransient } from '../../../src/core/retry';
import { VendorError } from '../../../src/core/errors';

describe('withRetry', () => {
  it('retries transient errors with backoff up to maxRetries', async () => {
    const delays: number[] = [];
    let calls = 0;
    const err = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw err;
        },
        { maxRetries: 2, backoffSeconds: 0.001 },
        undefined,
        (_e, _a, d) => delays.push(d),
      ),
    );
    assert.equal(calls, 3);
    assert.deepEqual(delays, [1, 2]);
  });
  it('does not retry a vendor answer', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new VendorError('VM_IS_SNAPSHOT', []);
        },
        { maxRetries: 5, backoffSeconds: 0 },
      ),
    );
    assert.equal(calls, 1);
    assert.equal(isTransient({ response: { status: 503 } }), true);
    assert.equal(isTransient({ response: { status: 404 } }), false);
  });
});
