import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { Fixture, LAB_PASSWORD, ctx, filesBelow, startFixture } from './labFixture';
import { readTarEntryNames } from './tarNames';
import { BackupRepository } from '../../src/core/repository';
import { startXapiLab } from '../lab/xapi';
import { selfSigned } from '../lab/selfSigned';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { haltedVmOn } from './labPlacement';

const count = (log: string[], line: string): number => log.filter((r) => r === line).length;

describe('XAPI 302 redirects on the data-plane handlers (lab with one listener per host)', function () {
  this.timeout(60_000);
  let f: Fixture;
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  describe('plain HTTP lab', () => {
    beforeEach(async () => {
      f = await startFixture();
    });

    it("backs up a VM on a member's local SR through the master's 302; file and manifest are right", async () => {
      const vm = haltedVmOn(f.lab, 1);
      const entry = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f));
      assert.equal(count(f.lab.hosts[0].requests, 'GET /export'), 1, 'asked the master');
      assert.equal(count(f.lab.hosts[1].requests, 'GET /export'), 1, 'served by the member');
      assert.equal(count(f.lab.hosts[2].requests, 'GET /export'), 0);
      assert.equal(entry.vmUuid, vm.uuid);
      const xva = path.join(entry.dir, entry.files[0].name);
      assert.equal((await readTarEntryNames(xva))[0], 'ova.xml');
      assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
      // The same bytes as the member's own /export with the same session.
      const direct = await new Promise<Buffer>((resolve, reject) => {
        http
          .get(`${f.lab.hosts[1].url}/export?session_id=${f.provider.xapi.sessionRef}&ref=${vm.ref}`, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c) => parts.push(c));
            res.on('end', () => resolve(Buffer.concat(parts)));
            res.on('error', reject);
          })
          .on('error', reject);
      });
      assert.equal(entry.manifest?.files[0].sha256, createHash('sha256').update(direct).digest('hex'));
      assert.equal(entry.manifest?.files[0].bytes, direct.length);
      // the caller's task was completed by the member, and destroyed by us
      assert.deepEqual(
        [...f.lab.store.table('task').values()].filter((t) => t.name_label === 'vmbackup /export'),
        [],
      );
    });

    it('the 302 keeps the query, and the member serves it only with a valid (pool-wide) session', async () => {
      const vm = haltedVmOn(f.lab, 2);
      const sid = f.provider.xapi.sessionRef!;
      const get = (url: string) =>
        new Promise<http.IncomingMessage>((resolve, reject) =>
          http
            .get(url, (res) => {
              res.resume();
              resolve(res);
            })
            .on('error', reject),
        );
      const r = await get(`${f.lab.url}/export?session_id=${sid}&ref=${vm.ref}&task_id=OpaqueRef:nope`);
      assert.equal(r.statusCode, 302);
      assert.equal(
        r.headers.location,
        `${f.lab.hosts[2].url}/export?session_id=${sid}&ref=${vm.ref}&task_id=OpaqueRef:nope`,
      );
      assert.equal(
        (await get(`${f.lab.hosts[2].url}/export?session_id=OpaqueRef:forged&ref=${vm.ref}`)).statusCode,
        401,
      );
      assert.equal(
        (await get(`${f.lab.url}/export?session_id=OpaqueRef:forged&ref=${vm.ref}`)).statusCode,
        401,
        'credentials are checked before redirecting',
      );
      const login = await fetch(`${f.lab.hosts[2].url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'session.login_with_password', params: ['root', 'x'], id: 1 }),
      });
      assert.deepEqual(((await login.json()) as { error: unknown }).error, {
        code: 1,
        message: 'HOST_IS_SLAVE',
        data: ['127.0.0.1'],
      });
    });

    it("restores onto a member's local SR: an empty-body probe finds the 302 before the XVA is streamed", async () => {
      const src = haltedVmOn(f.lab, 0);
      const entry = await f.provider.backupVm(src.ref, { repository: f.repo }, ctx(f));
      const target = haltedVmOn(f.lab, 1).sr;
      const restored = await f.provider.restoreVm(entry, { name: 'restored on member', storageId: target }, ctx(f));
      const s = f.lab.store;
      const vm = s.must('VM', restored.id);
      assert.ok(vm.VBDs.length > 0);
      for (const b of vm.VBDs) assert.equal(s.must('VDI', s.must('VBD', b).VDI).SR, target);
      assert.equal(count(f.lab.hosts[0].requests, 'PUT /import'), 1, 'the probe only');
      assert.equal(count(f.lab.hosts[1].requests, 'PUT /import'), 2, 'the probe, then the upload');
    });

    it('a redirect loop ends in TOO_MANY_REDIRECTS, for GET and for PUT (whose body is never sent)', async () => {
      f.lab.faults.redirect = { path: '/export', location: `${f.lab.url}/export` };
      const vm = haltedVmOn(f.lab, 0);
      await assert.rejects(f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f)), /TOO_MANY_REDIRECTS/);
      assert.equal(count(f.lab.hosts[0].requests, 'GET /export'), 4, 'the request and 3 redirects');
      assert.deepEqual(filesBelow(f.repo), []);
      f.lab.faults.redirect = undefined;
      const entry = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f));
      f.lab.faults.redirect = { path: '/import', location: `${f.lab.hosts[1].url}/import` };
      const vmsBefore = f.lab.store.table('VM').size;
      await assert.rejects(f.provider.restoreVm(entry, { name: 'never' }, ctx(f)), /TOO_MANY_REDIRECTS/);
      assert.equal(f.lab.store.table('VM').size, vmsBefore);
      assert.equal(count(f.lab.requests, 'PUT /import'), 4);
    });
  });

  describe('HTTPS lab (pinned self-signed certificates)', () => {
    it('follows the 302 to a member over https when the member presents the pinned certificate', async () => {
      const id = selfSigned('pool');
      f = await startFixture({ tls: [id] }, { thumbprint: id.sha256 });
      assert.match(f.lab.url, /^https:/);
      const vm = haltedVmOn(f.lab, 1);
      const entry = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f));
      assert.equal(count(f.lab.hosts[1].requests, 'GET /export'), 1);
      assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
    });

    it("follows 302s to members with their own self-signed certificates: each member's thumbprint comes from the pinned master", async () => {
      // XCP-ng and Citrix Hypervisor make one certificate per host; the user pins only the master's.
      const master = selfSigned('master');
      const member1 = selfSigned('member1');
      const member2 = selfSigned('member2');
      f = await startFixture({ tls: [master, member1, member2] }, { thumbprint: master.sha256 });
      const vm = haltedVmOn(f.lab, 1);
      const entry = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f));
      assert.equal(count(f.lab.hosts[1].requests, 'GET /export'), 1, 'served by the member');
      assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
      assert.ok(
        f.lab.requests.includes('host.get_server_certificate'),
        "the member's certificate was asked of the master",
      );
      // The PUT side: the empty-body probe and the upload both go to member 2 under member 2's own pin.
      const restored = await f.provider.restoreVm(
        entry,
        { name: 'restored on member 2', storageId: haltedVmOn(f.lab, 2).sr },
        ctx(f),
      );
      assert.ok(f.lab.store.get('VM', restored.id), 'the VM was imported on member 2');
      assert.equal(count(f.lab.hosts[2].requests, 'PUT /import'), 2, 'the probe, then the upload');
    });

    it("refuses an impostor at a member's address (not the certificate the master reports), before sending it anything", async () => {
      const master = selfSigned('master');
      const member = selfSigned('member');
      const impostor = selfSigned('impostor');
      f = await startFixture({ tls: [master, { ...impostor, reported: member.cert }] }, { thumbprint: master.sha256 });
      const vm = haltedVmOn(f.lab, 1);
      const err = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f)).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.match(String(err?.message), /thumbprint mismatch: expected [0-9A-F:]+, 127\.0\.0\.2 presented/);
      assert.match(
        String(err?.message),
        new RegExp(`expected ${member.sha256}, 127\\.0\\.0\\.2 presented ${impostor.sha256}`),
      );
      assert.deepEqual(f.lab.hosts[1].requests, [], 'not even the request line (it holds the session)');
      assert.deepEqual(filesBelow(f.repo), []);
    });

    it('a connection pinned to a member it names refuses the master HOST_IS_SLAVE points at, and says what to change', async () => {
      const master = selfSigned('master');
      const member = selfSigned('member');
      f = await startFixture({ tls: [master] }, { thumbprint: master.sha256 });
      const memberLab = await startXapiLab({
        tls: [member],
        slaveOf: `127.0.0.1:${f.lab.port}`,
        password: LAB_PASSWORD,
      });
      try {
        const before = f.lab.requests.length;
        const p = new XenProvider(
          { name: 'via-member', platform: 'xen', url: memberLab.url, username: 'root', thumbprint: member.sha256 },
          { password: LAB_PASSWORD },
        );
        const err = await p.connect().then(
          () => undefined,
          (e: Error) => e,
        );
        assert.match(
          String(err?.message),
          new RegExp(`thumbprint mismatch: expected ${member.sha256}, 127\\.0\\.0\\.1 presented ${master.sha256}`),
        );
        assert.match(
          String(err?.message),
          new RegExp(
            `127\\.0\\.0\\.1:${memberLab.port} is a pool member \\(HOST_IS_SLAVE\\) whose master is 127\\.0\\.0\\.1:${f.lab.port}: point the connection's url at the master and pin the master's certificate`,
          ),
        );
        assert.match(String(err?.message), /^connection "via-member"/);
        assert.ok(!String(err?.message).includes(LAB_PASSWORD));
        assert.equal(
          f.lab.requests.length,
          before,
          'the master was sent nothing (the password would have been the first thing)',
        );
      } finally {
        await memberLab.close();
      }
    });

    it('refuses a 302 from https to http: the session would travel in clear', async () => {
      const id = selfSigned('pool');
      f = await startFixture({ tls: [id] }, { thumbprint: id.sha256 });
      const seen: string[] = [];
      const plain = http.createServer((req, res) => {
        seen.push(req.url ?? '');
        res.end();
      });
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      try {
        f.lab.faults.redirect = {
          path: '/export',
          location: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/export`,
        };
        const vm = haltedVmOn(f.lab, 0);
        const err = await f.provider.backupVm(vm.ref, { repository: f.repo }, ctx(f)).then(
          () => undefined,
          (e: Error) => e,
        );
        assert.match(String(err?.message), /REDIRECT_REFUSED.*downgrade https to http/);
        assert.ok(!String(err?.message).includes(f.provider.xapi.sessionRef!), 'the error does not show the session');
        assert.deepEqual(seen, []);
        assert.deepEqual(filesBelow(f.repo), []);
      } finally {
        await new Promise<void>((r) => plain.close(() => r()));
      }
    });
  });
});
