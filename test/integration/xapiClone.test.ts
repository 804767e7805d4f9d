// The lab's VM.snapshot / VM.clone / VM.copy records, after ocaml/xapi/xapi_vm_clone.ml (copy_vm_record, clone).
import assert from 'node:assert/strict';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { labCall, labLogin } from './labRpc';

describe('XAPI lab snapshots, clones and copies (xapi_vm_clone.ml)', function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let sid: string;
  const pick = (state: string): string =>
    [...lab.store.table('VM')].find(
      ([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === state,
    )![0];
  before(async () => {
    lab = await startXapiLab({ hosts: 1, vmsPerHost: 4, taskStepMs: 5 });
    sid = await labLogin(lab);
  });
  after(() => lab.close());

  it('a snapshot of a running VM is a Halted template recording the power state, with other_config and MACs kept', async () => {
    const vm = pick('Running');
    await labCall(lab, 'VM.add_to_other_config', sid, vm, 'owner', 'team-a');
    const snap = await labCall(lab, 'VM.snapshot', sid, vm, 'snap');
    const s = await labCall(lab, 'VM.get_record', sid, snap);
    const v = await labCall(lab, 'VM.get_record', sid, vm);
    assert.equal(s.power_state, 'Halted');
    assert.equal(s.is_a_snapshot, true);
    assert.equal(s.is_a_template, true);
    assert.deepEqual(s.snapshot_info, {
      'disk-snapshot-type': 'crash_consistent',
      'power-state-at-snapshot': 'Running',
    });
    assert.deepEqual(s.other_config, v.other_config);
    assert.equal(s.resident_on, 'OpaqueRef:NULL');
    assert.equal(v.parent, snap);
    const macs = async (r: Record<string, any>): Promise<string[]> =>
      Promise.all(r.VIFs.map((x: string) => labCall(lab, 'VIF.get_MAC', sid, x)));
    assert.deepEqual(await macs(s), await macs(v));
    assert.equal(v.power_state, 'Running');
  });

  it('VM.clone: a new top-level VM with other_config (plus mac_seed), cloned disks, new MACs; refused while running', async () => {
    const vm = pick('Halted');
    await labCall(lab, 'VM.add_to_other_config', sid, vm, 'owner', 'team-b');
    const clone = await labCall(lab, 'VM.clone', sid, vm, 'the clone');
    const c = await labCall(lab, 'VM.get_record', sid, clone);
    const v = await labCall(lab, 'VM.get_record', sid, vm);
    assert.equal(c.name_label, 'the clone');
    assert.equal(c.is_a_snapshot, false);
    assert.equal(c.is_a_template, false);
    assert.equal(c.parent, 'OpaqueRef:NULL');
    assert.deepEqual(c.snapshot_info, {});
    assert.equal(c.other_config.owner, 'team-b');
    assert.match(c.other_config.mac_seed, /^[0-9a-f-]{36}$/);
    assert.equal(c.VBDs.length, v.VBDs.length);
    const vdiOf = async (vbd: string): Promise<string> => labCall(lab, 'VBD.get_VDI', sid, vbd);
    assert.notEqual(await vdiOf(c.VBDs[0]), await vdiOf(v.VBDs[0]));
    assert.notEqual(
      await labCall(lab, 'VIF.get_MAC', sid, c.VIFs[0]),
      await labCall(lab, 'VIF.get_MAC', sid, v.VIFs[0]),
    );
    await assert.rejects(labCall(lab, 'VM.clone', sid, pick('Running'), 'no'), /VM_BAD_POWER_STATE/);
  });

  it('VM.copy puts full copies of the disks on the given SR; Async.VM.copy returns the new VM in the task result', async () => {
    const vm = pick('Halted');
    const nfs = [...lab.store.table('SR')].find(([, s]) => s.type === 'nfs')![0];
    const task = await labCall(lab, 'Async.VM.copy', sid, vm, 'the copy', nfs);
    let rec = await labCall(lab, 'task.get_record', sid, task);
    while (rec.status === 'pending') {
      await new Promise((r) => setTimeout(r, 10));
      rec = await labCall(lab, 'task.get_record', sid, task);
    }
    assert.equal(rec.status, 'success');
    const copy = /<value>(OpaqueRef:[^<]+)<\/value>/.exec(rec.result)![1];
    const c = await labCall(lab, 'VM.get_record', sid, copy);
    assert.equal(c.name_label, 'the copy');
    for (const vbd of c.VBDs) {
      const vdi = await labCall(lab, 'VBD.get_VDI', sid, vbd);
      assert.equal(await labCall(lab, 'VDI.get_SR', sid, vdi), nfs);
      assert.equal(await labCall(lab, 'VDI.get_managed', sid, vdi), true);
    }
  });

  it('a clone of a template stays a template and remembers the base template name, minus default_template', async () => {
    const tpl = [...lab.store.table('VM')].find(([, v]) => v.is_default_template)![0];
    const c = await labCall(lab, 'VM.get_record', sid, await labCall(lab, 'VM.clone', sid, tpl, 'my template'));
    assert.equal(c.is_a_template, true);
    assert.equal(c.is_default_template, false);
    assert.equal(c.other_config.default_template, undefined);
    assert.equal(c.other_config.base_template_name, lab.store.must('VM', tpl).name_label);
  });
});
