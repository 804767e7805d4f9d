import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { Fixture, ctx, filesBelow, startFixture } from './labFixture';
import { haltedVmOn } from './labPlacement';

/** A TCP listener that records whatever reaches it: nothing may (the request line holds the session). */
async function bystander(host: string): Promise<{ origin: string; received: Buffer[]; close(): Promise<void> }> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => received.push(d));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, host, r));
  return {
    origin: `http://${host}:${(srv.address() as net.AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

describe("302s on the data-plane handlers are followed only to the pool's hosts (over http the session is in the query)", function () {
  this.timeout(60_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  it('refuses an /export redirect to a host that is not in the pool, and sends it nothing', async () => {
    const other = await bystander('127.0.0.9');
    try {
      f.lab.faults.redirect = { path: '/export', location: `${other.origin}/export` };
      const vm = haltedVmOn(f.lab, 0);
      const err = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f)).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.match(
        String(err?.message),
        new RegExp(
          `^connection "lab", VM ".*": REDIRECT_REFUSED \\[/export; ${other.origin.replace(/\./g, '\\.')}: 127\\.0\\.0\\.9 is not the address of a host of this pool`,
        ),
      );
      assert.ok(!String(err?.message).includes(f.provider.xapi.sessionRef!));
      assert.deepEqual(other.received, []);
      assert.deepEqual(filesBelow(f.repo), []);
    } finally {
      await other.close();
    }
  });

  it('refuses an /import redirect (the empty probe included) to a foreign host, and a pool host on another port', async () => {
    const vm = haltedVmOn(f.lab, 0);
    const entry = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f));
    const other = await bystander('127.0.0.9');
    const samePlaceOtherPort = await bystander('127.0.0.2');
    try {
      for (const target of [other, samePlaceOtherPort]) {
        f.lab.faults.redirect = { path: '/import', location: `${target.origin}/import` };
        await assert.rejects(
          f.provider.restoreVm(entry, { name: 'x' }, ctx(f)),
          /REDIRECT_REFUSED \[\/import; http:\/\/127\.0\.0\.[29]:\d+: (127\.0\.0\.9 is not the address of a host of this pool|port \d+ is not the pool's)/,
        );
        assert.deepEqual(target.received, []);
      }
    } finally {
      await other.close();
      await samePlaceOtherPort.close();
    }
  });
});
