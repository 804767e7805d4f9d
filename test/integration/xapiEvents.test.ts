// The lab's XenAPI events, as ocaml/xapi/xapi_event.ml serves them: event.from tokens, blocking and subscriptions,
// event.inject, the deprecated register/next/unregister queue, and task/current_operations events.
import assert from 'node:assert/strict';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { labCall, labLogin } from './labRpc';

const TOKEN = /^\d{20},\d{20}$/;
type Ev = { id: string; class: string; operation: string; ref: string; snapshot?: Record<string, any> };

describe('XAPI lab events (xapi_event.ml)', function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let sid: string;
  const halted = (): string =>
    [...lab.store.table('VM')].find(
      ([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === 'Halted',
    )![0];
  const from = (
    classes: string[],
    token: string,
    timeout = 0.2,
  ): Promise<{ events: Ev[]; valid_ref_counts: Record<string, number>; token: string }> =>
    labCall(lab, 'event.from', sid, classes, token, timeout);

  before(async () => {
    lab = await startXapiLab({ hosts: 2, vmsPerHost: 3, taskStepMs: 20, eventQueueBytes: 20_000 });
    sid = await labLogin(lab);
  });
  after(() => lab.close());

  it('event.from with an empty token returns every object of the subscribed classes, with snapshots and counts', async () => {
    const r = await from(['VM', 'vdi'], '');
    assert.match(r.token, TOKEN);
    const vmAdds = r.events.filter((e) => e.class === 'vm' && e.operation === 'add');
    assert.equal(vmAdds.length, lab.store.table('VM').size);
    assert.equal(new Set(r.events.map((e) => e.class)).size, 2);
    const one = vmAdds[0];
    assert.deepEqual(one.snapshot, lab.store.must('VM', one.ref));
    assert.equal(r.valid_ref_counts.vm, lab.store.table('VM').size);
    assert.equal(r.valid_ref_counts.task, 0);
  });

  it('blocks until a change, then returns only the changed object (mod, new snapshot) and a later token', async () => {
    const { token } = await from(['*'], '');
    const vm = halted();
    let settled = false;
    const pending = from(['VM'], token, 30).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, 'event.from answered before anything changed');
    await labCall(lab, 'VM.set_name_label', sid, vm, 'renamed-for-events');
    const r = await pending;
    assert.deepEqual(
      r.events.map((e) => [e.class, e.operation, e.ref]),
      [['vm', 'mod', vm]],
    );
    assert.equal(r.events[0].snapshot!.name_label, 'renamed-for-events');
    assert.ok(r.token > token);
    const none = await from(['VM'], r.token, 0.1);
    assert.deepEqual(none.events, []);
    assert.equal(none.token, r.token);
  });

  it('class and class/ref subscriptions select; a deletion is a del event without snapshot', async () => {
    const { token } = await from(['*'], '');
    const [a, b] = [...lab.store.table('VM')]
      .filter(([, v]) => !v.is_control_domain && !v.is_a_template)
      .map(([r]) => r);
    await labCall(lab, 'VM.add_to_other_config', sid, a, 'k', 'a');
    await labCall(lab, 'VM.add_to_other_config', sid, b, 'k', 'b');
    assert.deepEqual((await from(['VDI'], token)).events, []);
    assert.deepEqual(
      (await from([`vm/${b}`], token)).events.map((e) => e.ref),
      [b],
    );
    const snap = await labCall(lab, 'VM.snapshot', sid, a, 'to-delete');
    const t2 = (await from(['VM'], token)).token;
    await labCall(lab, 'VM.destroy', sid, snap);
    const del = (await from(['VM'], t2)).events.filter((e) => e.ref === snap);
    assert.deepEqual(
      del.map((e) => e.operation),
      ['del'],
    );
    assert.equal(del[0].snapshot, undefined);
  });

  it('event.inject touches a row; event.from from its token reports that row', async () => {
    const pool = lab.store.pool().ref;
    const token = await labCall(lab, 'event.inject', sid, 'pool', pool);
    assert.match(token, TOKEN);
    const r = await from(['pool'], token);
    assert.deepEqual(
      r.events.map((e) => [e.class, e.operation, e.ref]),
      [['pool', 'mod', pool]],
    );
    await assert.rejects(labCall(lab, 'event.inject', sid, 'VM', 'OpaqueRef:nope'), /HANDLE_INVALID/);
    await assert.rejects(from(['*'], 'not-a-token'), /EVENT_FROM_TOKEN_PARSE_FAILURE not-a-token/);
  });

  it('task progress and completion arrive as task events; the VM carries the task in current_operations meanwhile', async () => {
    const { token } = await from(['*'], '');
    const vm = halted();
    const task = await labCall(lab, 'Async.VM.snapshot', sid, vm, 'evented');
    assert.deepEqual(await labCall(lab, 'VM.get_current_operations', sid, vm), { [task]: 'snapshot' });
    let t = token;
    const seen: Ev[] = [];
    while (!seen.some((e) => e.ref === task && e.snapshot?.status === 'success')) {
      const r = await from(['task', `vm/${vm}`], t, 30);
      seen.push(...r.events);
      t = r.token;
    }
    const last = seen.filter((e) => e.ref === task).pop()!;
    assert.match(last.snapshot!.result, /^<value>OpaqueRef:[^<]+<\/value>$/);
    assert.ok(
      seen.some((e) => e.class === 'vm' && e.ref === vm && e.snapshot!.current_operations[task] === 'snapshot'),
    );
    assert.deepEqual(await labCall(lab, 'VM.get_current_operations', sid, vm), {});
  });

  it('an Async.VDI.destroy holds the VDI in current_operations; a second destroy meanwhile is OTHER_OPERATION_IN_PROGRESS', async () => {
    const vm = halted();
    const snap = await labCall(lab, 'VM.snapshot', sid, vm, 'for its disk');
    const vbd = lab.store.must('VM', snap).VBDs[0];
    const vdi = lab.store.must('VBD', vbd).VDI;
    await labCall(lab, 'VM.destroy', sid, snap);
    const task = await labCall(lab, 'Async.VDI.destroy', sid, vdi);
    assert.deepEqual(await labCall(lab, 'VDI.get_current_operations', sid, vdi), { [task]: 'destroy' });
    await assert.rejects(
      labCall(lab, 'VDI.destroy', sid, vdi),
      new RegExp(`OTHER_OPERATION_IN_PROGRESS VDI ${vdi} destroy ${task}`),
    );
    while ((await labCall(lab, 'task.get_status', sid, task)) === 'pending')
      await new Promise((r) => setTimeout(r, 10));
    await assert.rejects(labCall(lab, 'VDI.get_record', sid, vdi), /HANDLE_INVALID VDI/);
  });

  it('deprecated event.next: SESSION_NOT_REGISTERED, then queued events of the registered classes, then EVENTS_LOST', async () => {
    const s2 = await labLogin(lab);
    await assert.rejects(labCall(lab, 'event.next', s2), new RegExp(`SESSION_NOT_REGISTERED ${s2}`));
    await labCall(lab, 'event.register', s2, ['vm']);
    const vm = halted();
    await labCall(lab, 'VM.set_name_description', s2, vm, 'via next');
    await labCall(lab, 'SR.set_name_description', s2, lab.store.pool().rec.default_SR, 'not registered');
    const evs: Ev[] = await labCall(lab, 'event.next', s2);
    assert.deepEqual(
      evs.map((e) => [e.class, e.operation, e.ref]),
      [['vm', 'mod', vm]],
    );
    assert.equal(evs[0].snapshot!.name_description, 'via next');
    assert.match(evs[0].id, /^\d+$/);
    // more than the queue holds (eventQueueBytes) between two event.next calls: the oldest are forgotten
    for (let i = 0; i < 40; i++) await labCall(lab, 'VM.set_name_description', s2, vm, `burst ${i} ${'x'.repeat(200)}`);
    await assert.rejects(labCall(lab, 'event.next', s2), /EVENTS_LOST/);
    await labCall(lab, 'event.unregister', s2, ['vm']);
    await labCall(lab, 'session.logout', s2);
  });

  it('logging out ends a blocked event.from with SESSION_INVALID', async () => {
    const s3 = await labLogin(lab);
    const { token } = await labCall(lab, 'event.from', s3, ['*'], '', 0);
    const blocked = labCall(lab, 'event.from', s3, ['VDI'], token, 30);
    await new Promise((r) => setTimeout(r, 200));
    await labCall(lab, 'session.logout', s3);
    await assert.rejects(blocked, new RegExp(`SESSION_INVALID ${s3}`));
  });
});
