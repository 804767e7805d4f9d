import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, ctx, startFixture } from './labFixture';

describe('Xen provider: pool database and host backups (XAPI lab)', () => {
  let f: Fixture;
  beforeEach(async () => { f = await startFixture(); });
  afterEach(async () => { await f.provider.disconnect(); await f.lab.close(); });

  it('dumps the pool database into the repository', async () => {
    const entry = await f.provider.backupPoolMetadata({ repository: f.repo }, ctx(f));
    assert.equal(entry.kind, 'pool-metadata');
    const xml = fs.readFileSync(path.join(entry.dir, 'pool-database.xml'), 'utf8');
    assert.match(xml, /^<\?xml|^<database>/);
    assert.match(xml, /<table name="VM">/);
  });

  it('restores with a dry run first; the dry run changes nothing; the real run brings VMs back and exposes Suspended VMs without a suspend disk', async () => {
    const entry = await f.provider.backupPoolMetadata({ repository: f.repo }, ctx(f));
    const halted = (await f.provider.listVms({})).find((v) => v.powerState === 'halted')!;
    f.lab.store.table('VM').delete(halted.id);
    const suspended = (await f.provider.listVms({})).find((v) => v.powerState === 'suspended')!;
    const suspendVdi = f.lab.store.table('VM').get(suspended.id)!.suspend_VDI as string;
    f.lab.store.table('VDI').delete(suspendVdi);   // the host was reinstalled: its local SR is gone

    const dry = await f.provider.restorePoolMetadata(entry, { dryRun: true }, ctx(f));
    assert.equal(dry.dryRun, true);
    assert.ok(!(await f.provider.listVms({})).some((v) => v.uuid === halted.uuid), 'dry run must not restore');
    const dryRuns = f.lab.requests.filter((r) => r === 'PUT /pool/xmldbdump').length;
    assert.equal(dryRuns, 1);

    const real = await f.provider.restorePoolMetadata(entry, { dryRun: false }, ctx(f));
    assert.equal(f.lab.requests.filter((r) => r === 'PUT /pool/xmldbdump').length, 3, 'a dry run again, then the real restore');
    assert.ok((await f.provider.listVms({})).some((v) => v.uuid === halted.uuid));
    const stuck = real.suspendedWithoutDisk.find((v) => v.uuid === suspended.uuid);
    assert.ok(stuck, 'the suspended VM whose suspend disk is gone is reported');
    await f.provider.resetPowerState(stuck.id, ctx(f));
    assert.equal((await f.provider.listVms({})).find((v) => v.uuid === suspended.uuid)?.powerState, 'halted');
  });

  it('backs up a host (dom0) and records it in the catalog', async () => {
    const host = (await f.provider.listHosts((await f.provider.listPools())[0].id))[1];
    const entry = await f.provider.backupHost(host.id, { repository: f.repo }, ctx(f));
    assert.equal(entry.kind, 'host');
    assert.equal(entry.manifest?.source.host?.name, host.name);
    assert.ok(entry.files[0].bytes > 0);
  });
});
