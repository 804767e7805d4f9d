import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { XapiClient } from '../../src/providers/xen/xapiClient';
import { rawGet } from '../../src/transport/rawGet';
import { rawPost } from '../../src/transport/rawPost';
import { rawPut } from '../../src/transport/rawPut';
import { collector } from '../unit/transport/loopback';
import { selfSigned } from '../lab/selfSigned';
import { tempDir } from '../tempDir';

describe('TLS: verification on by default, opt-out only with a pinned thumbprint', function () {
  this.timeout(30_000);
  let server: https.Server;
  let url: string;
  let sha1: string;
  let sha256: string;
  const bodies: string[] = [];
  const gets: string[] = [];
  const puts: Buffer[] = [];

  before(async () => {
    const id = selfSigned('xcp-lab');
    ({ sha1, sha256 } = id);
    server = https.createServer({ key: id.key, cert: id.cert }, (req, res) => {
      if (req.url?.startsWith('/export')) {
        gets.push(req.url);
        res.end(EXPORT_BODY);
        return;
      }
      if (req.method === 'PUT') {
        const parts: Buffer[] = [];
        req.on('data', (d) => parts.push(d));
        req.on('end', () => {
          puts.push(Buffer.concat(parts));
          res.end();
        });
        return;
      }
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        bodies.push(b);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', result: 'OpaqueRef:s1', id: 1 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const login = (thumbprint?: string) =>
    new XapiClient({ url, username: 'root', password: 'tls-secret-pw', thumbprint }).login();

  it('refuses a self-signed certificate without a pin, before sending the password', async () => {
    bodies.length = 0;
    const err = await login().then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    assert.match(String(err?.message), /self-signed|self signed/i);
    assert.equal(err?.code, 'DEPTH_ZERO_SELF_SIGNED_CERT', "Node's code, verbatim");
    assert.deepEqual(bodies, []);
  });
  it('says which certificate the host presented and how to check it there before pinning it (nothing sent)', async () => {
    bodies.length = 0;
    const err = await login().then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(
      String(err?.message).includes(`${new URL(url).host} presented a certificate with SHA-256 ${sha256}.`),
      String(err?.message),
    );
    assert.match(String(err?.message), /openssl x509 -noout -fingerprint -sha256 -in \/etc\/xensource\/xapi-ssl\.pem/);
    assert.deepEqual(bodies, [], 'neither the login nor the certificate probe sent anything');
    assert.ok(!String(err?.message).includes('tls-secret-pw'));
  });
  it('accepts it with the matching SHA-1 or SHA-256 thumbprint (any case, with or without colons)', async () => {
    await login(sha1);
    await login(sha256.toLowerCase().replace(/:/g, ''));
    assert.equal(bodies.length, 2);
  });
  it('refuses a wrong pin and sends nothing', async () => {
    bodies.length = 0;
    await assert.rejects(login('AA:' + sha1.slice(3)), /thumbprint mismatch/);
    assert.deepEqual(bodies, []);
  });

  it('downloads (rawGet, the export path) under the same rules: refused without a pin or with a wrong one, read with the right one', async () => {
    gets.length = 0;
    await assert.rejects(
      rawGet(`${url}/export?ref=x`, {}, () => collector()),
      /self-signed|self signed/i,
    );
    await assert.rejects(
      rawGet(`${url}/export?ref=x`, { thumbprint: 'AA:' + sha1.slice(3) }, () => collector()),
      /thumbprint mismatch/,
    );
    assert.deepEqual(gets, [], 'nothing was asked of an unverified peer');
    const ok = collector();
    const r = await rawGet(`${url}/export?ref=x`, { thumbprint: sha256 }, () => ok);
    assert.equal(r.head.status, 200);
    assert.ok(ok.bytes().equals(EXPORT_BODY));
    assert.deepEqual(gets, ['/export?ref=x']);
  });

  it('reads large replies (rawPost, the get_all_records path) under the same rules', async () => {
    bodies.length = 0;
    const post = (thumbprint?: string) =>
      rawPost(`${url}/jsonrpc`, '{"method":"VM.get_all_records"}', { thumbprint, maxBytes: 1024 });
    await assert.rejects(post(), /self-signed|self signed/i);
    await assert.rejects(post('AA:' + sha1.slice(3)), /thumbprint mismatch/);
    assert.deepEqual(bodies, [], 'nothing was sent to an unverified peer');
    const r = await post(sha256);
    assert.equal(r.head.status, 200);
    assert.deepEqual(JSON.parse(r.body.toString()), { jsonrpc: '2.0', result: 'OpaqueRef:s1', id: 1 });
    assert.deepEqual(bodies, ['{"method":"VM.get_all_records"}']);
  });

  it('uploads (rawPut, the import path) under the same rules', async () => {
    const file = path.join(tempDir('vmbackup-tls-put-'), 'x.xva');
    fs.writeFileSync(file, EXPORT_BODY);
    puts.length = 0;
    await assert.rejects(rawPut(`${url}/import?sr_id=x`, file), /self-signed|self signed/i);
    await assert.rejects(
      rawPut(`${url}/import?sr_id=x`, file, { thumbprint: 'AA:' + sha1.slice(3) }),
      /thumbprint mismatch/,
    );
    assert.equal(puts.length, 0, 'nothing was sent to an unverified peer');
    assert.equal((await rawPut(`${url}/import?sr_id=x`, file, { thumbprint: sha1 })).status, 200);
    assert.equal(puts.length, 1);
    assert.ok(puts[0].equals(EXPORT_BODY));
  });
});

const EXPORT_BODY = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 13) & 0xff));
