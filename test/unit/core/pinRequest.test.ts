// A job that fails because a pool member's certificate is untrusted offers "Pin This Certificate…", naming the member,
// and pinning writes the thumbprint the error carries (the master's), not the member's.
import { strict as assert } from 'node:assert';
import { Job } from '../../../src/core/job';
import { UntrustedCertificateError, VendorError } from '../../../src/core/errors';
import {
  PIN_ACTION,
  SHOW_LOG_ACTION,
  failureActions,
  pinConfirmation,
  pinRequestFromError,
} from '../../../src/core/pinRequest';
import { pinRequestOf } from '../../../src/views/nodes';

const HOW = 'openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem';
const MASTER = 'AA:'.repeat(31) + 'AA';
const MEMBER = 'BB:'.repeat(31) + 'BB';

function memberError(name = 'xcp-host2'): UntrustedCertificateError {
  return new UntrustedCertificateError(
    `pool member ${name} (127.0.0.9), where master redirected the transfer, presented a certificate that does not verify`,
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'master.example:443',
    MASTER,
    HOW,
    { name, address: '127.0.0.9', thumbprint: MEMBER },
  );
}

async function failedJob(err: Error, connection = 'lab'): Promise<Job> {
  const job = new Job('Back up "web01"', 'backup', { connection, vm: 'web01' }, 'lab/h1');
  await job
    .execute(async () => {
      throw err;
    })
    .catch(() => undefined);
  return job;
}

describe('Pin This Certificate on a failed job', () => {
  it("a job failed on a pool member's certificate records what to pin, the member and the code", async () => {
    const job = await failedJob(memberError());
    assert.equal(job.record.state, 'failed');
    assert.equal(job.record.error?.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.deepEqual(job.record.error?.untrusted, {
      connection: 'lab',
      host: 'master.example:443',
      thumbprint: MASTER,
      howToCheck: HOW,
      member: { name: 'xcp-host2', address: '127.0.0.9', thumbprint: MEMBER },
    });
    assert.match(job.record.error!.message, /pool member xcp-host2 \(127\.0\.0\.9\)/);
  });

  it('its notification offers the pin action first; other failures only Show Log', async () => {
    const job = await failedJob(memberError());
    assert.deepEqual(failureActions(job.record.error), [PIN_ACTION, SHOW_LOG_ACTION]);
    assert.equal(PIN_ACTION, 'Pin This Certificate…');
    const other = await failedJob(new VendorError('VDI_IN_USE', ['OpaqueRef:1'], { connection: 'lab' }));
    assert.deepEqual(failureActions(other.record.error), [SHOW_LOG_ACTION]);
    assert.equal(other.record.error?.untrusted, undefined);
    assert.equal(pinRequestFromError(memberError(), undefined), undefined, 'no connection, nothing to pin into');
  });

  it('the failed job (finished or still in the manager) hands the pin command its request', async () => {
    const job = await failedJob(memberError());
    assert.equal(pinRequestOf({ kind: 'record', key: 'job:1', record: job.record })?.thumbprint, MASTER);
    assert.equal(pinRequestOf({ kind: 'job', key: 'job:1', job })?.connection, 'lab');
    assert.equal(pinRequestOf({ kind: 'message', key: 'none', message: 'No jobs yet' }), undefined);
  });

  it('the confirmation names the member and both thumbprints, escaped', async () => {
    const job = await failedJob(memberError('host\u001b[2J\u202e2'));
    const { message, detail } = pinConfirmation(job.record.error!.untrusted!);
    assert.equal(message, 'Pin the certificate of master.example:443 for connection "lab"?');
    assert.ok(
      detail.includes(
        `Pool member host\\e[2J\\u202e2 (127.0.0.9) refused the transfer with a certificate of SHA-256 ${MEMBER}`,
      ),
      detail,
    );
    assert.ok(detail.includes(`SHA-256 ${MASTER}`), detail);
    assert.ok(detail.includes(HOW), detail);
  });
});
