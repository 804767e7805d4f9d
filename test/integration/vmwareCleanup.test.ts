import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { Journal } from '../../src/core/journal';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { readInventory, readVm } from '../../src/providers/vmware/vmwareInventory';
import { createSnapshot } from '../../src/providers/vmware/vmwareSnapshots';
import { TEMPORARY_DESCRIPTION, TEMPORARY_PREFIX, flattenSnapshots } from '../../src/providers/vmware/vmwareRecords';
import { beginTemporarySnapshot, takeTemporarySnapshot } from '../../src/providers/vmware/vmwareTemporarySnapshot';
import { temporarySnapshotDescription } from '../../src/providers/vmware/vmwareSnapshotMarker';
import { VCSIM_PASSWORD, VmwareFixture, loggingCtx, vcsimConnection, vcsimSuite } from './vmwareFixture';
import { tempDir } from '../tempDir';

const jobCtx = () => loggingCtx();

describe('vSphere Clean Up: only what the journal names and vSphere confirms (vcsim)', function () {
  const fixture = vcsimSuite(this, { vm: 3, consolidationNeeded: ['DC0_H0_VM2'] });
  let f: VmwareFixture;
  let p: VmwareProvider;
  const made: string[] = [];
  const repo = () => {
    const d = tempDir('vmbackup-vc-cleanup-');
    made.push(d);
    return d;
  };
  const vm = async (name: string) => (await readInventory(f.client)).vms.find((v) => v.name === name)!;
  const snapshotNames = async (vmId: string) =>
    flattenSnapshots((await readVm(f.client, vmId)).snapshots).map((s) => s.name);

  before(async () => {
    f = fixture();
    p = new VmwareProvider(vcsimConnection(f.sim), { password: VCSIM_PASSWORD });
    await p.connect();
  });
  after(async () => {
    await p?.disconnect();
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it("deletes a dead job's temporary snapshot (dry run first: nothing deleted), never a user snapshot or a lookalike no entry names", async () => {
    const r = repo();
    const target = await vm('DC0_H0_VM0');
    const user = await createSnapshot(f.client, target.id, { name: 'user', memory: false, quiesce: false });
    // A snapshot that looks like ours (prefix and description) but that no journal entry names.
    await createSnapshot(f.client, target.id, {
      name: `${TEMPORARY_PREFIX}2026-01-01T00:00:00.000Z lookalike`,
      description: TEMPORARY_DESCRIPTION,
      memory: false,
      quiesce: false,
    });
    const journal = new Journal(r);
    const entry = await beginTemporarySnapshot(journal, 'vc', await readVm(f.client, target.id));
    assert.deepEqual(entry.before.length, 2, 'the snapshots before the intent are recorded');
    const temp = await takeTemporarySnapshot(f.client, journal, entry, false, jobCtx());
    journal.release(entry); // its job is gone: the entry is abandoned

    const dry = await p.cleanup({ repository: r, dryRun: true }, jobCtx());
    assert.deepEqual(
      dry.filter((i) => i.what.includes(target.name)).map((i) => [i.action, i.what.split(' (')[0]]),
      [
        ['would delete', `snapshot "${entry.name}"`],
        ['kept', `snapshot "${TEMPORARY_PREFIX}2026-01-01T00:00:00.000Z lookalike"`],
      ],
    );
    assert.ok((await snapshotNames(target.id)).includes(entry.name!), 'a dry run deletes nothing');
    assert.equal(journal.list().entries.length, 1);

    const done = await p.cleanup({ repository: r }, jobCtx());
    const ours = done.find((i) => i.what.includes(temp))!;
    assert.equal(ours.action, 'deleted');
    assert.match(ours.why, new RegExp(`journal entry ${entry.id}`));
    assert.match(ours.why, /RemoveSnapshot_Task with consolidate/);
    assert.deepEqual(await snapshotNames(target.id), ['user', `${TEMPORARY_PREFIX}2026-01-01T00:00:00.000Z lookalike`]);
    assert.ok(flattenSnapshots((await readVm(f.client, target.id)).snapshots).some((s) => s.id === user));
    assert.deepEqual(journal.list().entries, [], 'the settled entry is completed');
  });

  it('an entry that names a user snapshot (no marker, or made before the intent) deletes nothing', async () => {
    const r = repo();
    const target = await vm('DC0_H0_VM1');
    const journal = new Journal(r);
    const entry = await beginTemporarySnapshot(journal, 'vc', await readVm(f.client, target.id));
    // After the intent, a user's snapshot appears, and a hostile or mistaken entry records its moref as created.
    const user = await createSnapshot(f.client, target.id, {
      name: entry.name!, // even the same name: without the job's marker in the description it is not ours
      description: 'mine',
      memory: false,
      quiesce: false,
    });
    await journal.update(entry, { state: 'created', created: { id: user, uuid: user } });
    journal.release(entry);
    const items = await p.cleanup({ repository: r }, jobCtx());
    const item = items.find((i) => i.what.includes(user))!;
    assert.equal(item.action, 'kept');
    assert.match(item.why, /does not carry the job's marker/);
    assert.deepEqual(await snapshotNames(target.id), [entry.name]);

    // Made before the intent (in `before`), even with the marker: not the job's.
    const marked = await createSnapshot(f.client, target.id, {
      name: 'x',
      description: temporarySnapshotDescription('m'),
      memory: false,
      quiesce: false,
    });
    const j2 = new Journal(repo());
    const e2 = await beginTemporarySnapshot(j2, 'vc', await readVm(f.client, target.id));
    await j2.update(e2, { state: 'created', created: { id: marked, uuid: marked } });
    j2.release(e2);
    const again = await p.cleanup({ repository: j2.repository }, jobCtx());
    assert.match(again.find((i) => i.what.includes(marked))!.why, /existed before the job began/);
    assert.equal((await snapshotNames(target.id)).length, 2);
  });

  it('a job killed before CreateSnapshot_Task answered: its snapshot is found by the marker and removed', async () => {
    const r = repo();
    const target = await vm('DC0_C0_RP0_VM0');
    const journal = new Journal(r);
    const entry = await beginTemporarySnapshot(journal, 'vc', await readVm(f.client, target.id));
    // The task ran on the server, but the process died before it could record the moref.
    await createSnapshot(f.client, target.id, {
      name: entry.name!,
      description: temporarySnapshotDescription(entry.marker),
      memory: false,
      quiesce: false,
    });
    journal.release(entry);
    const items = await p.cleanup({ repository: r }, jobCtx());
    const item = items.find((i) => i.what.startsWith(`snapshot "${entry.name}"`))!;
    assert.equal(item.action, 'deleted');
    assert.match(item.why, /found by the marker/);
    assert.deepEqual(await snapshotNames(target.id), []);
    assert.deepEqual(journal.list().entries, []);
  });

  it('a running job is left alone', async () => {
    const r = repo();
    const target = await vm('DC0_C0_RP0_VM1');
    const journal = new Journal(r);
    const entry = await beginTemporarySnapshot(journal, 'vc', await readVm(f.client, target.id));
    await takeTemporarySnapshot(f.client, journal, entry, false, jobCtx());
    const items = await p.cleanup({ repository: r }, jobCtx());
    assert.deepEqual(
      items.filter((i) => i.what.includes(entry.id)).map((i) => i.action),
      ['kept'],
    );
    assert.deepEqual(await snapshotNames(target.id), [entry.name]);
    journal.release(entry);
    await p.cleanup({ repository: r }, jobCtx());
    assert.deepEqual(await snapshotNames(target.id), []);
  });

  it('a VM that needs consolidation is offered Consolidate, not consolidated; Consolidate clears it', async () => {
    const items = await p.cleanup({ repository: repo() }, jobCtx());
    const target = await vm('DC0_H0_VM2');
    const offer = items.find((i) => i.action === 'offered')!;
    assert.deepEqual(offer.offer, { operation: 'consolidate', vmId: target.id });
    assert.match(offer.why, /runtime\.consolidationNeeded/);
    assert.equal((await vm('DC0_H0_VM2')).consolidationNeeded, true, 'cleanup did not consolidate it');
    await p.consolidate(target.id, jobCtx());
    assert.equal((await vm('DC0_H0_VM2')).consolidationNeeded, false);
    assert.equal((await p.cleanup({ repository: repo() }, jobCtx())).filter((i) => i.action === 'offered').length, 0);
  });
});
