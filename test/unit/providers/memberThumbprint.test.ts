import { strict as assert } from 'node:assert';
import { X509Certificate, createHash } from 'node:crypto';
import { memberThumbprint } from '../../../src/providers/xen/memberThumbprint';
import { selfSigned } from '../../lab/selfSigned';

/** A fake master answering host.get_all_records and host.get_server_certificate, recording the calls. */
function master(hosts: Record<string, unknown>, certificate: unknown) {
  const calls: unknown[][] = [];
  return {
    calls,
    async call<T>(method: string, ...params: unknown[]): Promise<T> {
      calls.push([method, ...params]);
      if (method === 'host.get_all_records') return hosts as T;
      if (method === 'host.get_server_certificate') return certificate as T;
      throw new Error(`unexpected ${method}`);
    },
  };
}

describe("memberThumbprint (a pool member's certificate, as the pinned master reports it)", () => {
  let pem: string;
  before(() => {
    pem = selfSigned('member').cert.toString('utf8');
  });
  const hosts = {
    'OpaqueRef:h1': { address: '10.0.0.1', name_label: 'xcp-01' },
    'OpaqueRef:h2': { address: '10.0.0.2', name_label: 'xcp-02' },
  };

  it('finds the host by its address and hashes the DER of its certificate (SHA-256, colon-separated upper case)', async () => {
    const m = master(hosts, pem);
    const der = new X509Certificate(pem).raw;
    const want = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
    assert.equal(await memberThumbprint(m, '10.0.0.2'), want);
    assert.deepEqual(m.calls, [['host.get_all_records'], ['host.get_server_certificate', 'OpaqueRef:h2']]);
  });

  it('knows no thumbprint for an address no host has, and asks for no certificate', async () => {
    const m = master(hosts, pem);
    assert.equal(await memberThumbprint(m, '10.0.0.9'), undefined);
    assert.deepEqual(m.calls, [['host.get_all_records']]);
  });

  for (const [what, reply] of [
    ['an empty string', ''],
    ['a number', 42],
    ['garbage', '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'],
    ['null', null],
  ] as const) {
    it(`refuses ${what} as a certificate with CERTIFICATE_UNREADABLE, naming the host`, async () => {
      await assert.rejects(
        memberThumbprint(master(hosts, reply), '10.0.0.1'),
        (e: Error & { code?: string; params?: string[] }) => {
          assert.equal(e.code, 'CERTIFICATE_UNREADABLE');
          assert.equal(e.params?.[0], 'xcp-01');
          return true;
        },
      );
    });
  }

  it('survives hostile host records (null records, missing or non-string addresses)', async () => {
    const m = master(
      { 'OpaqueRef:x': null, 'OpaqueRef:y': { address: 7 }, 'OpaqueRef:h2': { address: '10.0.0.2' } },
      pem,
    );
    assert.match(String(await memberThumbprint(m, '10.0.0.2')), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(
      await memberThumbprint(master(null as unknown as Record<string, unknown>, pem), '10.0.0.2'),
      undefined,
    );
  });
});
