import { strict as assert } from 'node:assert';
import { UntrustedCertificateError, VendorError } from '../../../src/core/errors';
import { connectionFailureOf, failureDescription } from '../../../src/views/connectionFailure';
import { connectionIcon } from '../../../src/views/icons';

describe('connection failures (shown on the connection node)', () => {
  it('a refused login, with the vendor code verbatim', () => {
    for (const code of ['SESSION_AUTHENTICATION_FAILED', 'InvalidLogin', 'HTTP_401']) {
      const err = new VendorError(code, ['root', 'Authentication failure'], { connection: 'lab' });
      const f = connectionFailureOf(err, 'lab');
      assert.equal(f?.kind, 'authentication');
      assert.equal(f?.code, code);
      assert.equal(f?.message, err.message);
      assert.equal(failureDescription(f!), `login refused · ${code}`);
    }
  });

  it('a certificate refusal keeps what Pin This Certificate… pins', () => {
    const err = new UntrustedCertificateError(
      'connection "lab": DEPTH_ZERO_SELF_SIGNED_CERT self-signed certificate',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      '127.0.0.1:4443',
      'AB:CD',
      'openssl x509 …',
    );
    const f = connectionFailureOf(err, 'lab');
    assert.equal(f?.kind, 'certificate');
    assert.equal(f?.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.deepEqual(f?.untrusted, {
      connection: 'lab',
      host: '127.0.0.1:4443',
      thumbprint: 'AB:CD',
      howToCheck: 'openssl x509 …',
    });
    assert.deepEqual(connectionIcon(f), { id: 'workspace-untrusted', color: 'errorForeground' });
  });

  it("an unreachable host, from Node's code or from the one line withErrorContext makes of it", () => {
    const own = Object.assign(new Error('connect ECONNREFUSED 127.0.0.9:443'), { code: 'ECONNREFUSED' });
    assert.equal(connectionFailureOf(own, 'lab')?.code, 'ECONNREFUSED');
    const line = new Error('connection "lab": ENOTFOUND getaddrinfo ENOTFOUND xcp.invalid');
    assert.deepEqual(connectionFailureOf(line, 'lab'), {
      kind: 'unreachable',
      code: 'ENOTFOUND',
      message: line.message,
    });
  });

  it('other failures stay on the level that failed', () => {
    assert.equal(connectionFailureOf(new VendorError('HANDLE_INVALID', ['VM', 'x']), 'lab'), undefined);
    assert.equal(
      connectionFailureOf(new Error('connection "lab": HTTP 500 from https://x on /import'), 'lab'),
      undefined,
    );
    assert.equal(connectionFailureOf(new Error('no ECONNREFUSEDX here'), 'lab'), undefined);
  });
});
