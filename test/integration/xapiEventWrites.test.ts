// The lab's events follow writes, as xapi's database does (db_cache_types.ml: a write stamps the row's
// Stat.modified with a new generation; xapi_event.ml: From.add wakes the blocked event.from, which folds over the rows
// newer than its token and serialises only those). Measured by the hub's count of serialised records, never by time.
import assert from 'node:assert/strict';
import { bigInventory, startXapiLab, XapiLab } from '../lab/xapi';
import { labCall, labLogin } from './labRpc';

type Ev = { id: string; class: string; operation: string; ref: string; snapshot?: Record<string, any> };
type From = { events: Ev[]; token: string };

const guests = (lab: XapiLab): string[] =>
  [...lab.store.table('VM')]
    .filter(([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot)
    .map(([ref]) => ref);

/** A token of "now" without reading every record: event.inject's on the pool, then event.from of the pool alone. */
async function tokenNow(lab: XapiLab, sid: string): Promise<string> {
  const injected = await labCall(lab, 'event.inject', sid, 'pool', lab.store.pool().ref);
  return ((await labCall(lab, 'event.from', sid, ['pool'], injected, 0)) as From).token;
}

/** Resolves once the lab has an event call blocked (its hub holds a waiter). */
async function blocked(lab: XapiLab): Promise<void> {
  while (!lab.events.waiting) await new Promise((r) => setTimeout(r, 10));
}

describe('XAPI lab events follow database writes (no sweep)', function () {
  this.timeout(60_000);

  describe('a small pool', () => {
    let lab: XapiLab;
    let sid: string;
    before(async () => {
      lab = await startXapiLab({ hosts: 2, vmsPerHost: 3 });
      sid = await labLogin(lab);
    });
    after(() => lab.close());

    it('a write wakes a blocked event.from (timeout 300 s) with the changed record only, serialising that record alone', async () => {
      const [vm] = guests(lab);
      const token = await tokenNow(lab, sid);
      // the call would block for 300 s: only the write can end it within this test's 60 s
      const pending = labCall(lab, 'event.from', sid, ['*'], token, 300) as Promise<From>;
      await blocked(lab);
      const before = lab.events.serialisations;
      await labCall(lab, 'VM.set_name_label', sid, vm, 'woken by a write');
      const r = await pending;
      assert.deepEqual(
        r.events.map((e) => [e.class, e.operation, e.ref]),
        [['vm', 'mod', vm]],
      );
      assert.equal(r.events[0].snapshot!.name_label, 'woken by a write');
      assert.ok(r.token > token);
      assert.equal(lab.events.serialisations - before, 1, 'only the changed row was serialised');
    });

    it('a change the lab makes in place, deep inside a record (a map entry, a set member), is a write of that row', async () => {
      const [vm, other] = guests(lab);
      let token = await tokenNow(lab, sid);
      let pending = labCall(lab, 'event.from', sid, ['vm'], token, 300) as Promise<From>;
      await blocked(lab);
      lab.store.must('VM', vm).other_config['lab:deep'] = 'yes';
      let r = await pending;
      assert.deepEqual(
        r.events.map((e) => [e.operation, e.ref, e.snapshot?.other_config['lab:deep']]),
        [['mod', vm, 'yes']],
      );
      token = r.token;
      pending = labCall(lab, 'event.from', sid, ['vm'], token, 300) as Promise<From>;
      await blocked(lab);
      lab.store.must('VM', other).tags.push('deep-tag');
      r = await pending;
      assert.deepEqual(
        r.events.map((e) => [e.operation, e.ref, e.snapshot?.tags]),
        [['mod', other, ['deep-tag']]],
      );
      // writing a field's current value again changes nothing: no event
      lab.store.must('VM', other).name_label = lab.store.must('VM', other).name_label;
      const idle = (await labCall(lab, 'event.from', sid, ['vm'], r.token, 0)) as From;
      assert.deepEqual(idle.events, []);
    });

    it('many writes between two calls coalesce: each object once, with its last state and the generation of its last write', async () => {
      const [a, b] = guests(lab);
      const token = await tokenNow(lab, sid);
      const before = lab.events.serialisations;
      for (let i = 0; i < 25; i++) await labCall(lab, 'VM.set_name_label', sid, a, `write ${i}`);
      await labCall(lab, 'VM.add_to_other_config', sid, b, 'lab:coalesce', '1');
      await labCall(lab, 'VM.set_name_description', sid, a, 'the last write of a');
      const r = (await labCall(lab, 'event.from', sid, ['VM'], token, 0)) as From;
      assert.deepEqual(
        r.events.map((e) => [e.operation, e.ref]).sort(),
        [
          ['mod', a],
          ['mod', b],
        ].sort(),
      );
      const ea = r.events.find((e) => e.ref === a)!;
      const eb = r.events.find((e) => e.ref === b)!;
      assert.equal(ea.snapshot!.name_label, 'write 24');
      assert.equal(ea.snapshot!.name_description, 'the last write of a');
      assert.equal(eb.snapshot!.other_config['lab:coalesce'], '1');
      assert.equal(Number(ea.id), lab.store.mtime.get(a), 'the event carries the row generation of its last write');
      assert.ok(Number(ea.id) > Number(eb.id), "a's last write came after b's");
      assert.equal(Number(r.token.split(',')[0]), Number(ea.id), 'the token is the newest generation reported');
      assert.equal(lab.events.serialisations - before, 2, 'two rows changed: two serialised, whatever the writes');
    });
  });

  describe('a pool of 10,000 VMs', () => {
    let lab: XapiLab;
    let sid: string;
    before(async function () {
      this.timeout(300_000); // seeding 10,000 VMs on a busy machine
      lab = await startXapiLab(bigInventory);
      sid = await labLogin(lab);
    });
    after(() => lab?.close());

    it('idle with a blocked event.from, the lab serialises no record; one write then serialises one', async () => {
      assert.ok(lab.store.table('VM').size >= 10_000);
      const token = await tokenNow(lab, sid);
      const before = lab.events.serialisations;
      const idle = (await labCall(lab, 'event.from', sid, ['*'], token, 2)) as From; // blocks 2 s, then times out
      assert.deepEqual(idle.events, []);
      assert.equal(lab.events.serialisations, before, 'no record serialised while nothing was written');
      const pending = labCall(lab, 'event.from', sid, ['*'], idle.token, 300) as Promise<From>;
      await blocked(lab);
      const [vm] = guests(lab);
      await labCall(lab, 'VM.set_name_label', sid, vm, 'one of ten thousand');
      const r = await pending;
      assert.deepEqual(
        r.events.map((e) => [e.operation, e.ref]),
        [['mod', vm]],
      );
      assert.equal(lab.events.serialisations - before, 1);
    });
  });
});
