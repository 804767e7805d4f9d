import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { setTimeout as sleep } from 'node:timers/promises';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { req, rpc } from './labHttp';

/** The lab's pool database dump and restore, as db_xml.ml writes it and pool_db_backup.ml restores it. */
describe('XAPI lab: pool database dump and restore', function () {
  this.timeout(30_000);
  let lab: XapiLab;
  let sid: string;
  const login = async () => (await rpc(lab, 'session.login_with_password', ['root', 'lab-secret'])).result as string;
  beforeEach(async () => {
    lab = await startXapiLab({ taskStepMs: 10, diskBytes: 3 * 1024 * 1024, toolstack: { fuseMs: 1500, downMs: 300 } });
    sid = await login();
  });
  afterEach(() => lab.close());

  const put = (body: string, dryRun: boolean) =>
    req(lab, 'PUT', `/pool/xmldbdump?session_id=${sid}&dry_run=${dryRun}`, body, {
      'content-length': String(Buffer.byteLength(body)),
    });
  const taskOf = async (r: { headers: Record<string, unknown> }, session = sid) =>
    (await rpc(lab, 'task.get_record', [session, String(r.headers['task-id'])])).result;
  /**
   * Polls until a login works again after the restart (connections are dropped meanwhile). The fuse (xapi: 30 s) is
   * 1.5 s here, long enough that the task's record is read before the restart on a loaded machine (at 50 ms the
   * `task.get_record` after the PUT sometimes met the restart: ECONNRESET).
   */
  const loginAfterRestart = async (): Promise<string> => {
    for (let i = 0; i < 400; i++) {
      const old = await rpc(lab, 'pool.get_all', [sid]).catch(() => ({ error: { message: 'down' } }));
      if (old.error) {
        const s = await login().catch(() => undefined);
        if (s) return s;
      }
      await sleep(50);
    }
    throw new Error('the lab did not come back');
  };

  it("dumps in xapi's format: manifest with the schema version, namespaced columns (name__label), _ref, sets and maps", async () => {
    const dump = await req(lab, 'GET', `/pool/xmldbdump?session_id=${sid}`);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => ['table', 'row', 'pair'].includes(n),
    }).parse(dump.body.toString());
    const pairs = Object.fromEntries(
      doc.database.manifest.pair.map((p: { key: string; value: string }) => [p.key, p.value]),
    );
    assert.equal(pairs.schema_major_vsn, '5');
    assert.match(pairs.schema_minor_vsn, /^\d+$/);
    const vmTable = doc.database.table.find((t: { name: string }) => t.name === 'VM');
    const row = vmTable.row.find((r: Record<string, string>) => r.name__label === 'web-01');
    assert.ok(row, 'name_label is stored as name__label');
    assert.equal(row._ref, row.ref);
    assert.ok(row.memory__static_max && row.VCPUs__max && row.name__description !== undefined);
    assert.ok(!('name_label' in row));
    assert.match(row.other_config, /^\(\('lab:index' '\d+'\)\)$/);
    assert.equal(
      doc.database.table.find((t: { name: string }) => t.name === 'session').row,
      undefined,
      'sessions are not persisted',
    );
  });

  it('a dry run changes nothing; another schema version is RESTORE_INCOMPATIBLE_VERSION', async () => {
    const body = (await req(lab, 'GET', `/pool/xmldbdump?session_id=${sid}`)).body.toString();
    const size = lab.store.table('VM').size;
    const cut = body.replace(/<table name="VM">[\s\S]*?<\/table>/, '<table name="VM"></table>');
    const dry = await put(cut, true);
    assert.equal(dry.status, 200);
    assert.equal((await taskOf(dry)).status, 'success');
    await sleep(400);
    assert.equal(lab.store.table('VM').size, size);
    const old = body.replace(/key="schema_minor_vsn" value="\d+"/, 'key="schema_minor_vsn" value="19"');
    const r = await put(old, false);
    assert.equal(r.status, 200, 'the head goes out before the body is read');
    const t = await taskOf(r);
    assert.equal(t.status, 'failure');
    assert.deepEqual(t.error_info, ['RESTORE_INCOMPATIBLE_VERSION']);
  });

  it('a real restore takes effect at the toolstack restart: sessions die, member hosts are dropped, the dumped state returns', async () => {
    const body = (await req(lab, 'GET', `/pool/xmldbdump?session_id=${sid}`)).body.toString();
    const [ref, vm] = [...lab.store.table('VM')].find(([, v]) => v.power_state === 'Suspended')!;
    const image = vm.suspend_VDI as string;
    assert.equal((await rpc(lab, 'VM.hard_shutdown', [sid, ref])).error, undefined);
    assert.equal(lab.store.get('VDI', image), undefined, 'hard_shutdown destroys the suspend image (as xapi)');
    const r = await put(body, false);
    assert.equal(r.status, 200);
    assert.equal((await taskOf(r)).status, 'success');
    assert.equal(lab.store.must('VM', ref).power_state, 'Halted', 'the old database serves until the restart');
    const fresh = await loginAfterRestart();
    assert.equal((await rpc(lab, 'pool.get_all', [sid])).error.message, 'SESSION_INVALID');
    assert.equal(lab.store.must('VM', ref).power_state, 'Suspended');
    assert.equal(lab.store.must('VM', ref).suspend_VDI, image, 'a Suspended VM pointing at a disk that is gone');
    assert.equal(lab.store.get('VDI', image), undefined);
    const hosts = (await rpc(lab, 'host.get_all', [fresh])).result as string[];
    assert.deepEqual(hosts, [lab.store.pool().rec.master], 'member hosts are dropped from a restored database');
  });
});
