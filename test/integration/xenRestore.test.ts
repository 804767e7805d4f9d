import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, ctx, startFixture } from './labFixture';
import { defaultName } from '../../src/providers/xen/xenRestore';

/** Restore semantics against the lab that writes and reads XVAs as export.ml / import.ml do (issue #11 items 8–10). */
describe('Xen provider: restore as XAPI does it (XAPI lab)', function () {
  this.timeout(120_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  const labVm = (uuid: string) => [...f.lab.store.table('VM').values()].find((v) => v.uuid === uuid)!;
  const macsOf = (uuid: string) => (labVm(uuid).VIFs as string[]).map((r) => f.lab.store.get('VIF', r)!.MAC).sort();
  /** The backup of a halted VM, one byte of its .xva changed after its manifest was written. */
  async function damagedBackup() {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    const fd = fs.openSync(path.join(entry.dir, entry.files[0].name), 'r+');
    fs.writeSync(fd, Buffer.from('X'), 0, 1, 2048);
    fs.closeSync(fd);
    return { vm, entry };
  }

  it('restores the backup of a running VM as a normal VM named after the VM, not a template named after the snapshot', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    assert.equal(entry.manifest?.viaSnapshot, true);
    const restored = await f.provider.restoreVm(entry, {}, ctx(f));
    const rec = labVm(restored.uuid);
    assert.equal(rec.is_a_template, false);
    assert.equal(rec.is_a_snapshot, false);
    // Named after the VM and the backup's date (not after the snapshot the export was made from).
    assert.equal(rec.name_label, defaultName(entry));
    assert.ok(restored.name.startsWith(`${vm.name} (`), restored.name);
    assert.ok(
      (await f.provider.listVms()).some((v) => v.uuid === restored.uuid),
      'listed among the VMs, not hidden as a template',
    );
  });

  it('restores as a new VM with new MACs by default, and with the backed-up MACs only when asked (never restore=true)', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    const plain = await f.provider.restoreVm(entry, { name: 'plain' }, ctx(f));
    assert.notDeepEqual(macsOf(plain.uuid), macsOf(vm.uuid));
    const logs: string[] = [];
    const kept = await f.provider.restoreVm(
      entry,
      { name: 'kept', mode: 'keepMacs' },
      { ...ctx(f), log: (l) => logs.push(l) },
    );
    assert.notEqual(kept.uuid, vm.uuid);
    assert.deepEqual(macsOf(kept.uuid), macsOf(vm.uuid));
    assert.ok(
      logs.some((l) => /warning: the original VM .* still exists/.test(l)),
      logs.join('\n'),
    );
    assert.ok(labVm(vm.uuid), 'the original is untouched');
  });

  it("replaces a halted original with xapi's full restore (same uuid and MACs); refuses while it runs", async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const macs = macsOf(vm.uuid);
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    const replaced = await f.provider.restoreVm(entry, { mode: 'replace' }, ctx(f));
    assert.equal(replaced.uuid, vm.uuid);
    assert.deepEqual(macsOf(vm.uuid), macsOf(replaced.uuid));
    assert.deepEqual(macsOf(replaced.uuid), macs);
    assert.equal([...f.lab.store.table('VM').values()].filter((v) => v.uuid === vm.uuid).length, 1);

    const running = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const live = await f.provider.backupVm(running.id, { repository: f.repo }, ctx(f));
    const err = await f.provider.restoreVm(live, { mode: 'replace' }, ctx(f)).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(String(err?.message), /VM_BAD_POWER_STATE/);
    assert.equal(labVm(running.uuid).power_state, 'Running');
  });

  it("does not replace the original with a backup that fails verification (force=true would skip xapi's checksums)", async () => {
    const { vm, entry } = await damagedBackup();
    const err = await f.provider.restoreVm(entry, { mode: 'replace' }, ctx(f)).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(String(err?.message), /fails verification: .*sha256 differs/);
    assert.ok(f.lab.store.get('VM', vm.id), 'the original is untouched');
    assert.ok(!f.lab.requests.includes('PUT /import'));
  });

  it('a backup file changed since its manifest is stopped before its last bytes: INVALID_BACKUP naming it, no VM imported', async () => {
    const { entry } = await damagedBackup();
    const vmsBefore = f.lab.store.table('VM').size;
    const err = await f.provider.restoreVm(entry, {}, ctx(f)).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, 'refused');
    assert.match(
      err.message,
      new RegExp(
        `^connection "lab", VM "[^"]+": INVALID_BACKUP ${entry.files[0].name.replace(/\./g, '\\.')}: sha256 differs from the manifest — the upload was stopped before its last bytes`,
      ),
    );
    assert.equal(f.lab.store.table('VM').size, vmsBefore, 'no VM imported');
  });

  it('replaces a halted original from the backup of its temporary snapshot: one VM left, named as before, same MACs', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const macs = macsOf(vm.uuid);
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    await f.provider.xapi.callAsync('VM.hard_shutdown', [vm.id], new AbortController().signal);
    const replaced = await f.provider.restoreVm(entry, { mode: 'replace' }, ctx(f));
    assert.ok(!f.lab.store.get('VM', vm.id), 'the original record is gone');
    assert.equal(replaced.name, vm.name);
    assert.equal(labVm(replaced.uuid).is_a_template, false);
    assert.deepEqual(macsOf(replaced.uuid), macs);
    assert.equal(
      [...f.lab.store.table('VM').values()].filter((v) => v.name_label === vm.name && !v.is_a_snapshot).length,
      1,
    );
  });

  it('restores a zstd-compressed backup (import.ml reads zstd as it reads gzip)', async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo, compress: 'zstd' }, ctx(f));
    const restored = await f.provider.restoreVm(entry, { name: 'from zstd' }, ctx(f));
    assert.equal(labVm(restored.uuid).name_label, 'from zstd');
    assert.equal(labVm(restored.uuid).VBDs.length, labVm(vm.uuid).VBDs.length);
  });

  it("keeps a suspended VM's memory by default (preserve_power_state, in the manifest) and says it comes back Suspended", async () => {
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'suspended')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, ctx(f));
    assert.equal(entry.manifest?.preservePowerState, true);
    const logs: string[] = [];
    const restored = await f.provider.restoreVm(entry, { name: 'back' }, { ...ctx(f), log: (l) => logs.push(l) });
    assert.equal(restored.powerState, 'suspended');
    assert.ok(
      logs.some((l) => /comes back Suspended/.test(l)),
      logs.join('\n'),
    );

    const cold = await f.provider.backupVm(vm.id, { repository: f.repo, preservePowerState: false }, ctx(f));
    assert.equal(cold.manifest?.preservePowerState, false);
    const logs2: string[] = [];
    const halted = await f.provider.restoreVm(cold, { name: 'cold' }, { ...ctx(f), log: (l) => logs2.push(l) });
    assert.equal(halted.powerState, 'halted');
    assert.ok(
      logs2.some((l) => /comes back Halted \(the backup was made without the suspended memory\)/.test(l)),
      logs2.join('\n'),
    );
  });
});
