import { strict as assert } from 'node:assert';
import { LAB_PASSWORD, ctx, filesBelow } from './labFixture';
import { haltedVmOn } from './labPlacement';
import { startRpcRewriter } from './rpcRewriter';
import { XapiLab, startXapiLab } from '../lab/xapi';
import { selfSigned } from '../lab/selfSigned';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { UntrustedCertificateError } from '../../src/core/errors';
import { tempDir } from '../tempDir';

describe("A redirected transfer refused by a member's self-signed certificate names the member and carries the pin", function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let front: Awaited<ReturnType<typeof startRpcRewriter>>;
  afterEach(async () => {
    await front.close();
    await lab.close();
  });

  it('a master the client does not verify by CA (here: plain http through a front) and self-signed members', async () => {
    const master = selfSigned('master');
    const member1 = selfSigned('member1');
    const member2 = selfSigned('member2');
    lab = await startXapiLab({ tls: [master, member1, member2], password: LAB_PASSWORD, taskStepMs: 5 });
    // The master as the client sees it: http on its own loopback address, on the pool's port (redirects keep the port).
    front = await startRpcRewriter(lab.url, { host: '127.0.0.5', port: lab.port });
    const repo = tempDir('vmbackup-repo-');
    const profile = {
      name: 'lab',
      platform: 'xen' as const,
      url: front.url,
      username: 'root',
      repository: repo,
      maxRetries: 0,
    };
    const p = new XenProvider(profile, { password: LAB_PASSWORD });
    await p.connect();
    const f = { logs: [] as string[], progress: [] };
    const vm = haltedVmOn(lab, 1);
    const err = await p.backupVm(vm.ref, { repository: repo }, ctx(f as never)).then(
      () => undefined,
      (e: Error) => e,
    );
    await p.disconnect();
    assert.ok(err instanceof UntrustedCertificateError, String(err));
    const e = err as UntrustedCertificateError;
    assert.equal(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.deepEqual(e.member, { name: 'xcp-host-02', address: '127.0.0.2', thumbprint: member1.sha256 });
    assert.match(
      e.message,
      new RegExp(
        `^connection "lab", VM ".*": DEPTH_ZERO_SELF_SIGNED_CERT pool member xcp-host-02 \\(127\\.0\\.0\\.2\\), where 127\\.0\\.0\\.5:${lab.port} redirected the transfer, presented a certificate that does not verify against the CAs, SHA-256 ${member1.sha256}`,
      ),
    );
    assert.ok(!e.message.includes(LAB_PASSWORD));
    assert.deepEqual(filesBelow(repo), []);
    // What Pin This Certificate… writes makes the same backup work: the member is then checked against what the master reports.
    const pinned = new XenProvider({ ...profile, thumbprint: e.thumbprint }, { password: LAB_PASSWORD });
    await pinned.connect();
    const entry = await pinned.backupVm(vm.ref, { repository: repo }, ctx(f as never));
    assert.equal(entry.vmUuid, vm.uuid);
    await pinned.disconnect();
  });
});
