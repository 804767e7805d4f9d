// Citrix's XenAPI.py (Debian python3-os-xenapi) against the lab over XML-RPC: login, records, snapshots (sync and
// Async + task), errors, logout — what a pool admin's Python script does.
import * as assert from 'assert';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { haveXenApiPy, runPython } from './pyRunner';

describe('third-party client: XenAPI.py over XML-RPC', function () {
  this.timeout(180_000);
  let lab: XapiLab;
  before(async function () {
    assert.ok(haveXenApiPy(), 'XenAPI.py missing: apt-get install python3-os-xenapi (.ci/run does)');
    lab = await startXapiLab({ hosts: 2, vmsPerHost: 3, password: 'py-secret' });
  });
  after(() => lab?.close());

  it('logs in, reads records, snapshots sync and async, sees xapi errors and logs out', async () => {
    const out = await runPython('xenapi_py_client.py', {
      LAB_URL: lab.url,
      LAB_USER: 'root',
      LAB_PASSWORD: 'py-secret',
    });
    assert.deepStrictEqual(out.bad_login, ['SESSION_AUTHENTICATION_FAILED', 'root', 'Authentication failure']);
    assert.strictEqual(out.api_version, '2.21');
    assert.ok(out.vm_count > 6);
    // XML-RPC marshalling: 64-bit ints are strings, bools booleans, maps structs, datetimes dateTime.iso8601
    assert.deepStrictEqual(out.types, {
      memory_static_max: 'str',
      is_a_template: 'bool',
      other_config: 'dict',
      VBDs: 'list',
      snapshot_time: 'DateTime',
    });
    assert.strictEqual(out.has_fields, true);
    // xapi_vm_clone.ml: a snapshot of a running VM is Halted and records the power state; other_config is copied
    assert.strictEqual(out.snapshot.power_state, 'Halted');
    assert.strictEqual(out.snapshot.is_a_snapshot, true);
    assert.strictEqual(out.snapshot.is_a_template, true);
    assert.strictEqual(out.snapshot.snapshot_of_matches, true);
    assert.deepStrictEqual(out.snapshot.snapshot_info, {
      'disk-snapshot-type': 'crash_consistent',
      'power-state-at-snapshot': 'Running',
    });
    assert.deepStrictEqual(out.snapshot.other_config, out.snapshot.source_other_config);
    assert.deepStrictEqual(out.async, {
      status: 'success',
      progress: 1.0,
      result_name: 'py-async',
      result_is_snapshot: true,
    });
    assert.deepStrictEqual(out.handle_invalid, [
      'HANDLE_INVALID',
      'VM',
      'OpaqueRef:00000000-0000-0000-0000-000000000000',
    ]);
    assert.strictEqual(out.bad_power_state[0], 'VM_BAD_POWER_STATE');
    assert.match(out.event_from.token, /^\d{20},\d{20}$/);
    assert.strictEqual(out.event_from.vm_count, lab.store.table('VM').size); // <i4>: a Python int
    assert.strictEqual(out.event_from.has_vm_mods, true);
    assert.strictEqual(out.event_from.memory_type, 'str');
    assert.strictEqual(out.event_from.progress_type, 'float');
    assert.strictEqual(out.this_host_is_master, true);
    assert.strictEqual(out.lists_event_from, true);
    assert.strictEqual(out.after_logout.Status, 'Failure');
    assert.strictEqual(out.after_logout.ErrorDescription[0], 'SESSION_INVALID');
  });
});
