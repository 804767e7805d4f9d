// withErrorContext: one message naming connection, host and VM once each, however the calls nest.
import * as assert from 'node:assert/strict';
import {
  CancelledError,
  ContextError,
  UntrustedCertificateError,
  VendorError,
  describeContext,
} from '../../../src/core/errors';
import { withErrorContext } from '../../../src/core/withErrorContext';

/** How many times `part` is in `text`. */
const count = (text: string, part: string) => text.split(part).length - 1;

async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('withErrorContext', () => {
  const parts = ['connection "ovm"', 'host "mgr:7002"', 'VM "web01"'];

  it('nested calls around a plain error name each part of the place once', async () => {
    const e = await failure(() =>
      withErrorContext(
        'ovm',
        () =>
          withErrorContext(
            'ovm',
            () =>
              Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:7002'), { code: 'ECONNREFUSED' })),
            { host: 'mgr:7002' },
          ),
        { vm: 'web01' },
      ),
    );
    assert.ok(e instanceof ContextError);
    for (const p of parts) assert.equal(count(e.message, p), 1, `${p} in: ${e.message}`);
    assert.equal(count(e.message, 'ECONNREFUSED'), 1, e.message);
    assert.match(e.message, /^connection "ovm", host "mgr:7002", VM "web01": connect ECONNREFUSED 10\.0\.0\.1:7002$/);
  });

  it('a client error that already names its connection and host (a line of describeContext) is not prefixed again', async () => {
    const where = { connection: 'ovm', host: 'mgr:7002' };
    for (const inner of [
      new ContextError(where, 'socket hang up'),
      new Error(`${describeContext(where)}: socket hang up`),
    ]) {
      const e = await failure(() => withErrorContext('ovm', () => Promise.reject(inner), { vm: 'web01' }));
      for (const p of parts) assert.equal(count(e.message, p), 1, `${p} in: ${e.message}`);
      assert.match(e.message, /socket hang up$/);
    }
  });

  it('a VendorError keeps the vendor code and params verbatim and names each part once, three levels deep', async () => {
    const e = await failure(() =>
      withErrorContext(
        'ovm',
        () =>
          withErrorContext(
            'ovm',
            () =>
              withErrorContext(
                'ovm',
                () => Promise.reject(new VendorError('OVMRU_005002E', ['… is not STOPPED'], { host: 'mgr:7002' })),
                { vm: 'web01' },
              ),
            { vm: 'web01' },
          ),
        {},
      ),
    );
    assert.ok(e instanceof VendorError && e.code === 'OVMRU_005002E');
    for (const p of parts) assert.equal(count(e.message, p), 1, `${p} in: ${e.message}`);
  });

  it('an untrusted certificate keeps its type and thumbprint; its message names the place once', async () => {
    const inner = new UntrustedCertificateError(
      'connection "ovm", host "mgr:7002": self-signed certificate',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'mgr:7002',
      'AB:CD',
      'openssl …',
    );
    const e = await failure(() =>
      withErrorContext('ovm', () => withErrorContext('ovm', () => Promise.reject(inner)), { vm: 'web01' }),
    );
    assert.ok(e instanceof UntrustedCertificateError && e.thumbprint === 'AB:CD');
    for (const p of parts) assert.equal(count(e.message, p), 1, `${p} in: ${e.message}`);
    assert.equal(count(e.message, 'DEPTH_ZERO_SELF_SIGNED_CERT'), 1, e.message);
  });

  it('a cancellation passes through unchanged', async () => {
    const c = new CancelledError();
    assert.equal(await failure(() => withErrorContext('ovm', () => Promise.reject(c), { vm: 'web01' })), c);
  });
});
