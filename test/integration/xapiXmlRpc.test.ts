// The lab's XML-RPC front end and method surface: xapi's marshalling (ocaml/doc/wire-protocol.md), the Status
// struct, and system.listMethods listing exactly what is served.
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { dmClass } from '../lab/xapi/datamodel';
import { labCall, labLogin, labRpc } from './labRpc';

const call = (method: string, ...params: string[]): string =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value><string>${p}</string></value></param>`).join('')}</params></methodCall>`;

async function post(
  lab: XapiLab,
  path: string,
  body: string,
): Promise<{ status: number; type: string | null; text: string }> {
  const r = await fetch(`${lab.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

describe('XAPI lab XML-RPC and method surface', function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let sid: string;
  before(async () => {
    lab = await startXapiLab({ hosts: 2, vmsPerHost: 2 });
    sid = await labLogin(lab);
  });
  after(() => lab.close());

  it('answers on /, /RPC2 and /xmlrpc with a Status=Success struct; ints as strings, bools as <boolean>, maps as <struct>', async () => {
    const vm = [...lab.store.table('VM')].find(([, v]) => !v.is_control_domain)![0];
    for (const path of ['/', '/RPC2', '/xmlrpc']) {
      const r = await post(lab, path, call('VM.get_record', sid, vm));
      assert.equal(r.status, 200);
      assert.equal(r.type, 'text/xml');
      assert.match(
        r.text,
        /^<\?xml version="1.0"\?><methodResponse><params><param><value><struct><member><name>Status<\/name><value>Success<\/value><\/member><member><name>Value<\/name>/,
      );
    }
    const r = await post(lab, '/', call('VM.get_record', sid, vm));
    const rec = lab.store.must('VM', vm);
    assert.ok(
      r.text.includes(`<member><name>memory_static_max</name><value>${rec.memory_static_max}</value></member>`),
    );
    assert.ok(r.text.includes('<member><name>is_a_template</name><value><boolean>0</boolean></value></member>'));
    assert.ok(
      r.text.includes(
        '<member><name>snapshot_time</name><value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value></member>',
      ),
    );
    assert.ok(r.text.includes('<member><name>other_config</name><value><struct>'));
    assert.ok(r.text.includes('<member><name>VUSBs</name><value><array><data></data></array></value></member>'));
    // a float field is a <double> even when integral
    const task = await labCall(lab, 'task.create', sid, 't', '');
    const t = await post(lab, '/', call('task.get_progress', sid, task));
    assert.match(t.text, /<name>Value<\/name><value><double>0<\/double><\/value>/);
  });

  it('event.from over XML-RPC: snapshots typed by their class, valid_ref_counts as <i4>; control characters dropped', async () => {
    const vm = [...lab.store.table('VM')].find(([, v]) => !v.is_control_domain)![0];
    await labCall(lab, 'VM.set_name_description', sid, vm, 'bell\u0007here');
    const r = await post(
      lab,
      '/',
      `<methodCall><methodName>event.from</methodName><params><param><value>${sid}</value></param><param><value><array><data><value>vm/${vm}</value></data></array></value></param><param><value></value></param><param><value><double>0.1</double></value></param></params></methodCall>`,
    );
    assert.ok(r.text.includes(`<member><name>vm</name><value><i4>${lab.store.table('VM').size}</i4></value></member>`));
    assert.ok(
      r.text.includes(
        `<member><name>memory_static_max</name><value>${lab.store.must('VM', vm).memory_static_max}</value></member>`,
      ),
    );
    assert.ok(r.text.includes('<member><name>name_description</name><value>bellhere</value></member>'));
  });

  it('a failure is Status=Failure with ErrorDescription [code, params…]; a malformed call is HTTP 500', async () => {
    const r = await post(lab, '/', call('VM.get_record', sid, 'OpaqueRef:nope'));
    const parsed = new XMLParser({ parseTagValue: false }).parse(r.text);
    const members = parsed.methodResponse.params.param.value.struct.member;
    assert.deepEqual(members[0], { name: 'Status', value: 'Failure' });
    assert.equal(members[1].name, 'ErrorDescription');
    assert.deepEqual(members[1].value.array.data.value, ['HANDLE_INVALID', 'VM', 'OpaqueRef:nope']);
    const bad = await post(lab, '/', '<methodCall><params>');
    assert.equal(bad.status, 500);
  });

  it('system.listMethods lists exactly what is served', async () => {
    const methods: string[] = await labCall(lab, 'system.listMethods');
    for (const m of [
      'VM.get_all_records',
      'VM.get_VUSBs',
      'VDI.get_managed',
      'session.get_record',
      'event.from',
      'VM.clone',
      'Async.VM.copy',
      'task.get_status',
    ]) {
      assert.ok(methods.includes(m), m);
    }
    for (const m of [
      'session.get_all_records',
      'VM.set_power_state',
      'Async.VM.set_name_label',
      'Async.VM.set_is_a_template',
      'Async.task.create',
    ])
      assert.ok(!methods.includes(m), m);
    // every listed method is served (an arity or session complaint, never MESSAGE_METHOD_UNKNOWN)...
    for (const m of methods.filter((x) => x !== 'session.logout')) {
      const r = await labRpc(lab.url, m, [sid]);
      assert.notEqual(r.error?.message, 'MESSAGE_METHOD_UNKNOWN', m);
    }
    // ...and what is not listed is not
    for (const m of [
      'VM.set_power_state',
      'Async.VM.set_name_label',
      'Async.VM.set_is_a_template',
      'session.get_all_records',
      'VM.frobnicate',
    ]) {
      assert.equal((await labRpc(lab.url, m, [sid])).error?.message, 'MESSAGE_METHOD_UNKNOWN', m);
    }
  });

  it('every record carries every datamodel field; allowed/current_operations on every class that has them', async () => {
    for (const cls of ['pool', 'host', 'VM', 'VBD', 'VDI', 'SR', 'PBD', 'VIF', 'network']) {
      const dm = dmClass(cls)!;
      const all: Record<string, Record<string, unknown>> = await labCall(lab, `${cls}.get_all_records`, sid);
      for (const [ref, rec] of Object.entries(all)) {
        for (const f of dm.fields) assert.ok(f.name in rec, `${cls} ${ref} lacks ${f.name}`);
      }
      if (dm.fields.some((f) => f.name === 'allowed_operations') && cls !== 'network') {
        assert.ok(
          Object.values(all).some((r) => (r.allowed_operations as string[]).length > 0),
          `${cls} allowed_operations all empty`,
        );
      }
    }
    const vdi = (Object.values(await labCall(lab, 'VDI.get_all_records', sid)) as Record<string, unknown>[])[0];
    assert.equal(vdi.managed, true);
    assert.equal(vdi.parent, 'OpaqueRef:NULL');
    const vm = (Object.values(await labCall(lab, 'VM.get_all_records', sid)) as Record<string, unknown>[])[0];
    assert.deepEqual([vm.VUSBs, vm.VGPUs, vm.version, vm.bios_strings], [[], [], 0, {}]);
  });

  it('session records: get_record, get_this_host, get_this_user as xapi keeps them', async () => {
    const rec = await labCall(lab, 'session.get_record', sid, sid);
    assert.equal(rec.this_host, lab.store.pool().rec.master);
    assert.equal(rec.auth_user_name, 'root');
    assert.equal(rec.is_local_superuser, true);
    assert.equal(rec.originator, 'lab-test');
    assert.equal(await labCall(lab, 'session.get_this_host', sid, sid), lab.store.pool().rec.master);
    assert.equal(await labCall(lab, 'session.get_this_user', sid, sid), 'OpaqueRef:NULL');
  });
});
