import { ContainerInfo } from '../../src/core/model';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, ctx, startFixture } from './labFixture';
import { BackupRepository } from '../../src/core/repository';

describe('Xen provider: pool database and host backups (XAPI lab)', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  const poolId = async () => ((await f.provider.listChildren())[0] as ContainerInfo).id;

  it('dumps the pool database into the repository', async () => {
    const entry = await f.provider.backupMetadata('pool-metadata', await poolId(), { repository: f.repo }, ctx(f));
    assert.equal(entry.kind, 'pool-metadata');
    const xml = fs.readFileSync(path.join(entry.dir, 'pool-database.xml'), 'utf8');
    assert.match(xml, /^<\?xml|^<database>/);
    assert.match(xml, /<table name="VM">/);
  });

  it('restores with a dry run first; the dry run changes nothing; the real run brings VMs back and exposes Suspended VMs without a suspend disk', async () => {
    const entry = await f.provider.backupMetadata('pool-metadata', await poolId(), { repository: f.repo }, ctx(f));
    const halted = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    f.lab.store.remove('VM', halted.id);
    const suspended = (await f.provider.listVms()).find((v) => v.powerState === 'suspended')!;
    const suspendVdi = f.lab.store.table('VM').get(suspended.id)!.suspend_VDI as string;
    f.lab.store.remove('VDI', suspendVdi); // the host was reinstalled: its local SR is gone (removed as xapi's database would: an event)

    const dry = await f.provider.restoreMetadata('pool-metadata', entry, { dryRun: true }, ctx(f));
    assert.equal(dry.dryRun, true);
    assert.ok(!(await f.provider.listVms()).some((v) => v.uuid === halted.uuid), 'dry run must not restore');
    const dryRuns = f.lab.requests.filter((r) => r === 'PUT /pool/xmldbdump').length;
    assert.equal(dryRuns, 1);

    const logs: string[] = [];
    const sessionBefore = f.provider.xapi.sessionRef;
    const real = await f.provider.restoreMetadata(
      'pool-metadata',
      entry,
      { dryRun: false },
      { ...ctx(f), log: (l) => logs.push(l) },
    );
    assert.notEqual(
      f.provider.xapi.sessionRef,
      sessionBefore,
      'the toolstack restart ended the session: logged in again',
    );
    assert.ok(
      logs.some((l) => /restarting its toolstack/.test(l)) && logs.some((l) => /logged in again/.test(l)),
      logs.join('\n'),
    );
    assert.equal(
      f.lab.requests.filter((r) => r === 'PUT /pool/xmldbdump').length,
      3,
      'a dry run again, then the real restore',
    );
    assert.ok((await f.provider.listVms()).some((v) => v.uuid === halted.uuid));
    const stuck = real.suspendedWithoutDisk.find((v) => v.uuid === suspended.uuid);
    assert.ok(stuck, 'the suspended VM whose suspend disk is gone is reported');
    await f.provider.resetPowerState(stuck.id, ctx(f));
    assert.equal((await f.provider.listVms()).find((v) => v.uuid === suspended.uuid)?.powerState, 'halted');
  });

  it('backs up a host (dom0) and records it in the catalog', async () => {
    const host = (await f.provider.listChildren({ kind: 'pool', id: await poolId() }))[1] as ContainerInfo;
    const entry = await f.provider.backupMetadata('host', host.id, { repository: f.repo }, ctx(f));
    assert.equal(entry.kind, 'host');
    assert.equal(entry.manifest?.source.host?.name, host.name);
    assert.ok(entry.files[0].bytes > 0);
  });
});

describe('Xen provider: VM metadata export and retries (XAPI lab)', () => {
  let f: Fixture;
  afterEach(async () => {
    await f.provider.disconnect();
    await f.lab.close();
  });

  it('exports only the metadata of a running VM (no snapshot, no disks)', async () => {
    f = await startFixture();
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'running')!;
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo, metadataOnly: true }, ctx(f));
    assert.equal(entry.kind, 'vm-metadata');
    assert.ok(f.lab.requests.includes('GET /export_metadata'));
    assert.ok(!f.lab.requests.some((r) => r.includes('VM.snapshot')));
    assert.ok(entry.files[0].bytes < 1024 * 1024);
  });

  it('retries a transfer cut by the network, from scratch, and succeeds', async () => {
    f = await startFixture({}, { maxRetries: 2, backoffSeconds: 0.05 });
    const vm = (await f.provider.listVms()).find((v) => v.powerState === 'halted')!;
    f.lab.faults.resetExportAtByte = 2 * 1024 * 1024;
    const c = ctx(f);
    const log = c.log;
    c.log = (l) => {
      log(l);
      if (l.startsWith('retry')) f.lab.faults.resetExportAtByte = undefined;
    };
    const entry = await f.provider.backupVm(vm.id, { repository: f.repo }, c);
    assert.ok(
      f.logs.some((l) => /^retry 1\/2/.test(l)),
      f.logs.join('\n'),
    );
    assert.equal(
      f.lab.hosts[0].requests.filter((r) => r === 'GET /export').length,
      2,
      'the master got one request per attempt',
    );
    assert.deepEqual(await new BackupRepository(f.repo).verify(entry), { ok: true, problems: [] });
  });
});
