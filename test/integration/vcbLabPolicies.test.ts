// The VCB lab's tools run directly over SSH (not through the product, which never points vcbMounter at an existing
// folder) against the policies of the guide's 表 2-1: PREEXISTING_MOUNTPOINT fail|delete ("deletes the mount point and
// its backup snapshot, then goes on"), PREEXISTING_VCB_SNAPSHOT fail|delete, and BACKOFF_TIME only with MAX_RETRIES > 0.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VcbProvider } from '../../src/providers/vcb/vcbProvider';
import { VcbToolError } from '../../src/providers/vcb/vcbRun';
import { mounterArgs } from '../../src/providers/vcb/vcbWire';
import { VcbFixture, startVcbFixture, stopVcbFixture, testContext } from './vcbFixture';

const VM = 'DC0_H0_VM2';
const SNAP = '_VCB_BACKUP_';

describe("VCB lab: the guide's PREEXISTING_* policies and retries (表 2-1), tools run directly", function () {
  this.timeout(300_000);
  let f: VcbFixture;
  let p: VcbProvider;
  let n = 0;
  const dest = () => path.join(f.lab.backups, `policy-${++n}`);
  const mounter = async (to: string) => {
    const vm = await f.vm(VM);
    return p.session.run(mounterArgs(`moref:${vm.id}`, to, 'fullvm', 'nbd'), testContext(), VM);
  };
  const leftover = async (to: string) => {
    await p.session.ssh.sftp(async (s) => {
      await s.mkdir(to);
      await s.writeText(`${to}/stale`, 'from a killed job');
    });
    f.helper('snap-create', (await f.vm(VM)).id, SNAP, 'left by a killed VCB job');
  };

  before(async () => {
    f = await startVcbFixture();
    p = await f.open();
  });
  after(async () => {
    await p?.close();
    await stopVcbFixture(f);
  });
  afterEach(async () => {
    f.lab.writeConf({ confExtra: [] });
    await p.cleanup({}, testContext()); // vcbCleanup -y and any _VCB_BACKUP_ left
  });

  it('PREEXISTING_MOUNTPOINT=fail (the default): an existing mount point fails the job and stays as it was', async () => {
    const to = dest();
    await leftover(to);
    await assert.rejects(mounter(to), (e: VcbToolError) => {
      assert.match(e.toolMessage, /already exists \(PREEXISTING_MOUNTPOINT=fail\)/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(to), ['stale']);
  });

  it('PREEXISTING_MOUNTPOINT=delete: the mount point and its backup snapshot go, and the backup goes on', async () => {
    f.lab.writeConf({ confExtra: ['PREEXISTING_MOUNTPOINT=delete'] });
    const to = dest();
    await leftover(to);
    await mounter(to);
    assert.ok(fs.existsSync(path.join(to, 'catalog')), 'a fresh export');
    assert.ok(!fs.existsSync(path.join(to, 'stale')), 'the old mount point was deleted');
    assert.deepEqual(await f.snapshotNames(VM), [], "the old snapshot and the job's own are gone");
  });

  it('PREEXISTING_VCB_SNAPSHOT=fail (the default): an existing _VCB_BACKUP_ fails the job, nothing is exported', async () => {
    f.helper('snap-create', (await f.vm(VM)).id, SNAP, 'left by a killed VCB job');
    const to = dest();
    await assert.rejects(mounter(to), /already has a _VCB_BACKUP_ snapshot \(PREEXISTING_VCB_SNAPSHOT=fail\)/);
    assert.ok(!fs.existsSync(to));
    assert.deepEqual(await f.snapshotNames(VM), [SNAP]);
  });

  it("PREEXISTING_VCB_SNAPSHOT=delete: the old backup snapshot goes, the job goes on; a user's snapshot stays", async () => {
    f.lab.writeConf({ confExtra: ['PREEXISTING_VCB_SNAPSHOT=delete'] });
    const vm = await f.vm(VM);
    f.helper('snap-create', vm.id, 'nightly', 'a user snapshot');
    f.helper('snap-create', vm.id, SNAP, 'left by a killed VCB job');
    const to = dest();
    await mounter(to);
    assert.ok(fs.existsSync(path.join(to, 'catalog')));
    assert.deepEqual(await f.snapshotNames(VM), ['nightly']);
  });

  it('BACKOFF_TIME alone (MAX_RETRIES 0) retries nothing: the busy snapshot fails the job at once', async () => {
    f.lab.writeConf({ confExtra: ['BACKOFF_TIME=1'] });
    f.lab.setBusy(1);
    const ctx = testContext();
    await assert.rejects(
      p.session.run(mounterArgs(`moref:${(await f.vm(VM)).id}`, dest(), 'fullvm', 'nbd'), ctx, VM),
      /resource busy/,
    );
    assert.ok(!ctx.lines.some((l) => /retry/.test(l)), ctx.lines.join('\n'));
    f.lab.setBusy(0);
  });
});
