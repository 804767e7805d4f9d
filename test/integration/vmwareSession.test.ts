import { strict as assert } from 'node:assert';
import { UntrustedCertificateError, VendorError } from '../../src/core/errors';
import { VmwareFixture, VCSIM_PASSWORD, newClient, vcsimSuite } from './vmwareFixture';

describe('vSphere client: session and TLS (vcsim)', function () {
  const fixture = vcsimSuite(this);
  let f: VmwareFixture;
  before(async () => {
    f = fixture();
  });

  it('reads the ServiceContent and logs in with the vmware_soap_session cookie', async () => {
    assert.equal(f.client.content.about.apiType, 'VirtualCenter');
    assert.equal(f.client.content.rootFolder.type, 'Folder');
    assert.ok(f.client.loggedIn);
    const now = await f.client.invoke('CurrentTime', { type: 'ServiceInstance', value: 'ServiceInstance' });
    assert.match(now.children[0]?.text ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  it('a wrong password fails with the vendor fault InvalidLogin verbatim, and the password is in no message', async () => {
    const bad = newClient(f.sim, { password: 'wrong-Zz81' });
    const err = await bad.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError, String(err));
    assert.equal(err.code, 'InvalidLogin');
    assert.deepEqual(err.params, ['Login failure']);
    assert.ok(!err.message.includes('wrong-Zz81') && !err.message.includes(VCSIM_PASSWORD));
  });

  it('a call whose session is gone gets NotAuthenticated from the server and logs in again once', async () => {
    const c = newClient(f.sim);
    await c.connect();
    (c as unknown as { cookie: string }).cookie = 'expired-session';
    const res = await c.invoke('CurrentTime', { type: 'ServiceInstance', value: 'ServiceInstance' });
    assert.equal(res.name, 'CurrentTimeResponse');
    await c.logout();
  });

  it('a session that is gone and a password changed meanwhile fail with InvalidLogin, not a loop', async () => {
    const c = newClient(f.sim);
    await c.connect();
    (c as unknown as { cookie: string }).cookie = 'expired-session';
    (c as unknown as { opts: { password: string } }).opts.password = 'changed-meanwhile';
    await assert.rejects(
      c.invoke('CurrentTime', { type: 'ServiceInstance', value: 'ServiceInstance' }),
      (e: unknown) => e instanceof VendorError && e.code === 'InvalidLogin',
    );
  });

  it('pins the SHA-1 form (VCB HOST_THUMBPRINT) as well as the SHA-256 form', async () => {
    const c = newClient(f.sim, { thumbprint: f.sim.sha1.toLowerCase() });
    await c.connect();
    assert.ok(c.loggedIn);
    await c.logout();
  });

  it('refuses a certificate that does not match the pin, before sending the password', async () => {
    const c = newClient(f.sim, { thumbprint: 'AA:'.repeat(31) + 'AA' });
    await assert.rejects(c.connect(), /thumbprint mismatch/);
    assert.ok(!c.loggedIn);
  });

  it('without a pin the self-signed certificate is refused, naming the thumbprint it presented', async () => {
    const c = newClient(f.sim, { thumbprint: undefined });
    const err = await c.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof UntrustedCertificateError, String(err));
    assert.equal(err.thumbprint, f.sim.sha256);
    assert.match(err.message, /rui\.crt/);
  });
});
