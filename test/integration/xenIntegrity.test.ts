import { strict as assert } from 'node:assert';
import { Fixture, LAB_PASSWORD, ctx, filesBelow, startFixture } from './labFixture';
import { haltedVmOn } from './labPlacement';
import { Middlebox, startMiddlebox } from './middlebox';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { BackupRepository } from '../../src/core/repository';
import { ConnectionProfile } from '../../src/core/model';
import { downloadToFile } from '../../src/providers/xen/xenTransfer';

describe('Xen backups never store a cut or damaged export as good (a middlebox between client and master)', function () {
  this.timeout(120_000);
  let f: Fixture;
  let box: Middlebox;
  let viaBox: XenProvider;
  async function connectViaBox(profile: Partial<ConnectionProfile> = {}): Promise<void> {
    await viaBox?.disconnect();
    viaBox = new XenProvider(
      { name: 'lab', platform: 'xen', url: box.url, username: 'root', repository: f.repo, maxRetries: 0, ...profile },
      { password: LAB_PASSWORD },
    );
    await viaBox.connect();
    (viaBox.xapi as unknown as { opts: { taskPollMs: number } }).opts.taskPollMs = 10;
  }
  beforeEach(async () => {
    f = await startFixture();
    box = await startMiddlebox(f.lab.url);
    await connectViaBox();
  });
  afterEach(async () => {
    await viaBox.disconnect();
    await f.provider.disconnect();
    await box.close();
    await f.lab.close();
  });

  const exportTasks = () =>
    [...f.lab.store.table('task').values()].filter(
      (t) => /^Export of VM/.test(t.name_label) || t.name_label === 'vmbackup /export',
    );

  async function backupFails(compress: boolean, expected: RegExp): Promise<void> {
    const vm = haltedVmOn(f.lab, 0);
    const err = await viaBox.backupVm(vm.ref, { repository: f.repo, compress }, ctx(f)).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, 'the backup failed');
    assert.match(err.message, expected);
    assert.match(err.message, /connection "lab"/);
    assert.deepEqual(filesBelow(f.repo), [], 'nothing stored');
    assert.deepEqual(new BackupRepository(f.repo).list(), []);
  }

  it("raw export: a byte changed on the way (the end-of-archive marker intact) fails on the chunk's .xxhash", async () => {
    box.fault.flip = 600_000;
    await backupFails(false, /Ref:\d+\/00000000: checksum mismatch/);
  });

  it('raw export: 64 KiB dropped from the middle (the stream still ends with the marker) is not a good backup', async () => {
    box.fault.drop = [300_000, 300_000 + 65_536];
    await backupFails(false, /the export of .*: /);
  });

  it("compressed export: a stream cut short while xapi's task succeeds fails on the gzip stream's end", async () => {
    box.fault.cutAt = 200_000;
    await backupFails(true, /gzip stream ended before its end/);
    // xapi saw the whole export go out: its task said success, and only the content check caught the cut.
    assert.ok(f.lab.requests.includes('GET /export'));
    assert.deepEqual(exportTasks(), []);
  });

  it('compressed export through the middlebox untouched is stored, and verify accepts it (gzip CRC and the XVA inside)', async () => {
    const vm = haltedVmOn(f.lab, 0);
    const entry = await viaBox.backupVm(vm.ref, { repository: f.repo, compress: true }, ctx(f));
    assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
  });

  describe("transient failures are retried with the connection's backoff; the vendor's refusals are not", () => {
    const exports = () => f.lab.requests.filter((r) => r === 'GET /export').length;
    const tasksCreated = () => f.lab.requests.filter((r) => r === 'task.create').length;

    it('a compressed export cut once on the way is retried with a fresh task and stored', async () => {
      await connectViaBox({ maxRetries: 2, backoffSeconds: 0.01 });
      box.fault.cutAt = 150_000;
      box.fault.times = 1;
      const vm = haltedVmOn(f.lab, 0);
      const entry = await viaBox.backupVm(vm.ref, { repository: f.repo, compress: true }, ctx(f));
      assert.equal(exports(), 2);
      assert.equal(tasksCreated(), 2);
      assert.ok(
        f.logs.some((l) => /^retry 1\/2 in 0.01 s after: .*gzip stream ended before its end/.test(l)),
        f.logs.join('\n'),
      );
      assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
    });

    it('a compressed export the lab resets every time is tried 1 + maxRetries times, then fails saying the stream was cut', async () => {
      await connectViaBox({ maxRetries: 2, backoffSeconds: 0.01 });
      f.lab.faults.resetExportAtByte = 100_000;
      const vm = haltedVmOn(f.lab, 0);
      await assert.rejects(
        viaBox.backupVm(vm.ref, { repository: f.repo, compress: true }, ctx(f)),
        /connection "lab", VM ".*": ERR_TRUNCATED_STREAM .*gzip stream ended before its end/,
      );
      assert.equal(exports(), 3);
      assert.deepEqual(filesBelow(f.repo), []);
    });

    it('an HTTP 500 on /export whose task says nothing is retried with a fresh task', async () => {
      await connectViaBox({ maxRetries: 1, backoffSeconds: 0.01 });
      box.fault.status = 500;
      box.fault.times = 1;
      const vm = haltedVmOn(f.lab, 0);
      const entry = await viaBox.backupVm(vm.ref, { repository: f.repo }, ctx(f));
      assert.equal(tasksCreated(), 2);
      assert.equal(exports(), 1, 'the first request never reached xapi');
      assert.ok(
        f.logs.some((l) => /^retry 1\/1 .*HTTP 500 from http:\/\/127\.0\.0\.1:\d+ on \/export/.test(l)),
        f.logs.join('\n'),
      );
      assert.equal(entry.vmUuid, vm.uuid);
    });

    it("a refusal before any data reports xapi's code from the task's error_info, not HTTP_500, and is not retried", async () => {
      await connectViaBox({ maxRetries: 2, backoffSeconds: 0.01 });
      const running = [...f.lab.store.table('VM')].find(
        ([, v]) => !v.is_control_domain && !v.is_a_template && v.power_state === 'Running',
      )!;
      const err = await downloadToFile(viaBox.xapi, '/export', { ref: running[0] }, f.repo, 'x.xva', ctx(f)).then(
        () => undefined,
        (e: Error & { code?: string; params?: string[] }) => e,
      );
      assert.equal(err?.code, 'VM_BAD_POWER_STATE');
      assert.deepEqual(err?.params, [running[0], 'halted, suspended', 'running']);
      assert.doesNotMatch(String(err?.message), /HTTP_500/);
      assert.deepEqual(filesBelow(f.repo), []);
    });
  });
});
