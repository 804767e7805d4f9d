import { strict as assert } from 'node:assert';
import { Fixture, LAB_PASSWORD, ctx, filesBelow, startFixture } from './labFixture';
import { haltedVmOn } from './labPlacement';
import { Middlebox, startMiddlebox } from './middlebox';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { BackupRepository } from '../../src/core/repository';

describe('Xen backups never store a cut or damaged export as good (a middlebox between client and master)', function () {
  this.timeout(120_000);
  let f: Fixture;
  let box: Middlebox;
  let viaBox: XenProvider;
  beforeEach(async () => {
    f = await startFixture();
    box = await startMiddlebox(f.lab.url);
    viaBox = new XenProvider({ name: 'lab', platform: 'xen', url: box.url, username: 'root', repository: f.repo, maxRetries: 0 }, { password: LAB_PASSWORD });
    await viaBox.connect();
  });
  afterEach(async () => { await viaBox.disconnect(); await f.provider.disconnect(); await box.close(); await f.lab.close(); });

  const exportTasks = () => [...f.lab.store.table('task').values()].filter((t) => /^Export of VM/.test(t.name_label) || t.name_label === 'vmbackup /export');

  async function backupFails(compress: boolean, expected: RegExp): Promise<void> {
    const vm = haltedVmOn(f.lab, 0);
    const err = await viaBox.backupVm(vm.ref, { repository: f.repo, compress }, ctx(f)).then(() => undefined, (e: Error) => e);
    assert.ok(err, 'the backup failed');
    assert.match(err.message, expected);
    assert.match(err.message, /connection "lab"/);
    assert.deepEqual(filesBelow(f.repo), [], 'nothing stored');
    assert.deepEqual(new BackupRepository(f.repo).list(), []);
  }

  it('raw export: a byte changed on the way (the end-of-archive marker intact) fails on the chunk\'s .xxhash', async () => {
    box.fault.flip = 600_000;
    await backupFails(false, /Ref:\d+\/00000000: checksum mismatch/);
  });

  it('raw export: 64 KiB dropped from the middle (the stream still ends with the marker) is not a good backup', async () => {
    box.fault.drop = [300_000, 300_000 + 65_536];
    await backupFails(false, /the export of .*: /);
  });

  it('compressed export: a stream cut short while xapi\'s task succeeds fails on the gzip stream\'s end', async () => {
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
});
