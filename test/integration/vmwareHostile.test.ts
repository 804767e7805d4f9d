import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { VendorError } from '../../src/core/errors';
import { VimClient } from '../../src/providers/vmware/vimClient';

const ENV = (body: string) =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const CONTENT = (rootFolder: string) =>
  ENV(
    `<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval>${rootFolder}<propertyCollector type="PropertyCollector">pc</propertyCollector><viewManager type="ViewManager">vm</viewManager><sessionManager type="SessionManager">sm</sessionManager><about><apiType>VirtualCenter</apiType><apiVersion>6.5</apiVersion></about></returnval></RetrieveServiceContentResponse>`,
  );

/** A server that answers every SOAP call with `reply` (a hostile vim25 endpoint). */
async function hostile(reply: string | Buffer, status = 200): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'Content-Type': 'text/xml' });
      res.end(reply);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function connectError(
  reply: string | Buffer,
  opts: { status?: number; maxReplyBytes?: number } = {},
): Promise<unknown> {
  const s = await hostile(reply, opts.status);
  try {
    const c = new VimClient({ url: s.url, username: 'u', password: 'p-secret', maxReplyBytes: opts.maxReplyBytes });
    return await c.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    await s.close();
  }
}

const isMalformed = (e: unknown) => e instanceof VendorError && e.code === 'MALFORMED_REPLY';

describe('vSphere client: hostile replies fail cleanly', () => {
  it('not XML', async () => {
    const e = await connectError('<html>proxy error', { status: 502 });
    assert.ok(e instanceof VendorError, String(e));
  });

  it('an entity bomb (internal DTD entities are not expanded)', async () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      ENV('<x>&b;</x>').replace('<?xml version="1.0"?>', '');
    assert.ok(isMalformed(await connectError(bomb)));
  });

  it('nesting deeper than any vim25 reply', async () => {
    assert.ok(isMalformed(await connectError(ENV('<a>'.repeat(5000) + '</a>'.repeat(5000)))));
  });

  it('a reply larger than maxReplyBytes', async () => {
    const e = await connectError(ENV(`<x>${'A'.repeat(2 * 1024 * 1024)}</x>`), { maxReplyBytes: 1024 * 1024 });
    assert.ok(isMalformed(e) && /exceeds maxReplyBytes/.test((e as Error).message), String(e));
  });

  it('a wrong type where a managed object reference belongs', async () => {
    const e = await connectError(CONTENT('<rootFolder>not-a-moref</rootFolder>'));
    assert.ok(isMalformed(e), String(e));
    assert.match((e as Error).message, /rootFolder/);
  });

  it('a response for another method, and a SOAP body without the Envelope namespace', async () => {
    assert.ok(isMalformed(await connectError(ENV('<LoginResponse xmlns="urn:vim25"/>'))));
    assert.ok(isMalformed(await connectError('<Envelope><Body><RetrieveServiceContentResponse/></Body></Envelope>')));
  });

  it('a fault whose detail names another prefix for xsi still gives the fault type', async () => {
    const fault = ENV(
      '<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="InvalidLogin"/></detail></soapenv:Fault>',
    );
    const e = await connectError(fault, { status: 500 });
    assert.ok(e instanceof VendorError && e.code === 'InvalidLogin', String(e));
  });
});
