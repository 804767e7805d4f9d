// A pinned https connection to a host other than 127.0.0.1 inside VS Code: its proxy support wraps https.request and
// replaces the request's agent (the pinned one) with the global agent for every host but localhost / 127.0.0.1
// (@vscode/proxy-agent index.js: `originalAgent` kept only when `isLocalhost`; its DIRECT path then uses
// `originalAgent || https.globalAgent`). The e2e vCenter on 127.0.0.30 failed with DEPTH_ZERO_SELF_SIGNED_CERT that way.
import { strict as assert } from 'node:assert';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { createHttp } from '../../src/transport/http';
import { selfSigned } from '../lab/selfSigned';

/** The https module object axios calls (a namespace import would be a copy: patch the real one). */
const httpsModule = require('node:https') as typeof https;

/** Wraps https.request as VS Code's proxy support does for a host that is not localhost: the agent is replaced. */
function patchAsVsCode(): () => void {
  const original = httpsModule.request;
  const patched = (...args: unknown[]) => {
    const i = args.findIndex((a) => !!a && typeof a === 'object' && !(a instanceof URL));
    if (i >= 0) args[i] = { ...(args[i] as object), agent: httpsModule.globalAgent };
    return (original as (...a: unknown[]) => ReturnType<typeof https.request>)(...args);
  };
  httpsModule.request = patched as typeof https.request;
  return () => {
    httpsModule.request = original;
  };
}

describe('pinned https inside VS Code (its proxy support replaces request agents)', function () {
  this.timeout(30_000);
  let server: https.Server;
  let url: string;
  let sha256: string;
  let unpatch: (() => void) | undefined;

  before(async () => {
    const id = selfSigned('vcenter-e2e');
    sha256 = id.sha256;
    server = https.createServer({ key: id.key, cert: id.cert }, (_req, res) => res.end('pinned ok'));
    // Not 127.0.0.1: VS Code keeps the request's own agent for that address only.
    await new Promise<void>((r) => server.listen(0, '127.0.0.30', r));
    url = `https://127.0.0.30:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    unpatch?.();
    unpatch = undefined;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('the simulated patch is faithful: https.request with the pinned agent meets the self-signed certificate', async () => {
    unpatch = patchAsVsCode();
    const http = createHttp({ baseURL: url, thumbprint: sha256 });
    const err = await new Promise<Error>((resolve) => {
      const req = httpsModule.request(`${url}/`, { agent: http.defaults.httpsAgent }, () => resolve(new Error('none')));
      req.on('error', resolve);
      req.end();
    });
    assert.equal((err as NodeJS.ErrnoException).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('a pinned client still reaches the server through its pin', async () => {
    unpatch = patchAsVsCode();
    const r = await createHttp({ baseURL: url, thumbprint: sha256 }).get('/');
    assert.equal(r.status, 200);
    assert.equal(r.data, 'pinned ok');
  });

  it('a wrong pin is still refused, and no pin still means CA verification', async () => {
    unpatch = patchAsVsCode();
    const wrong = sha256.replace(/^../, sha256.startsWith('00') ? '11' : '00');
    await assert.rejects(createHttp({ baseURL: url, thumbprint: wrong }).get('/'), /thumbprint mismatch/);
    await assert.rejects(createHttp({ baseURL: url }).get('/'), /self[- ]signed certificate/);
  });
});
