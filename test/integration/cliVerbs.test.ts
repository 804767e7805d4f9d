import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './cliRun';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { saveConnections } from '../../src/core/connections';
import { ConnectionProfile } from '../../src/core/model';
import { tempDir } from '../tempDir';

const PASSWORD = 'cli-verbs-pw-7';
/** Raw control characters that must never reach a terminal from vendor text. */
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe("vmbackup CLI: vendor text escaped, the connection's repository, concurrencyPerHost, values that look like flags", function () {
  this.timeout(120_000);
  let lab: XapiLab;
  let ws: string;
  const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD_LAB: PASSWORD } });
  const profile = (extra: Partial<ConnectionProfile> = {}) =>
    saveConnections(ws, [
      { name: 'lab', platform: 'xen', url: lab.url, username: 'root', repository: 'elsewhere', ...extra },
    ]);
  const halted = () =>
    [...lab.store.table('VM')]
      .filter(([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === 'Halted')
      .map(([, v]) => [v.uuid as string, v] as const);

  beforeEach(async () => {
    lab = await startXapiLab({ password: PASSWORD, taskStepMs: 5 });
    ws = tempDir('vmbackup-verbs-');
    profile();
  });
  afterEach(() => lab.close());

  it('prints VM names with escape sequences, C1 and bidi controls escaped, in text and in JSON', async () => {
    const [ref, vm] = halted()[0];
    const evil = 'web\x1b]0;owned\x07\x1b[2J\u009b31m\u202Egpj.exe\u2066x\u007f';
    vm.name_label = evil;
    const { stdout: text } = await vmb(['ls']);
    assert.ok(!RAW_CONTROLS.test(text), JSON.stringify(text));
    assert.ok(text.includes('web\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202egpj.exe\\u2066x\\x7f'), text);
    const { stdout: json } = await vmb(['ls', '--json']);
    assert.ok(!RAW_CONTROLS.test(json), JSON.stringify(json));
    assert.ok(
      (JSON.parse(json) as Array<{ name: string }>).some((r) => r.name === evil),
      'the JSON still carries the real name',
    );
    // Errors that carry vendor text too.
    lab.faults.failNextTask = { method: 'VM.export', error: ['SR_BACKEND_FAILURE_47', '\x1b[31mred\u202E'] };
    const err = await vmb(['backup', ref]).then(
      () => undefined,
      (e) => e,
    );
    assert.equal(err.code, 1);
    assert.ok(!RAW_CONTROLS.test(err.stderr.replace(/\r|\x1b\[K/g, '')), JSON.stringify(err.stderr));
    assert.ok(
      err.stderr.includes(
        'VM "web\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202egpj.exe\\u2066x\\x7f": SR_BACKEND_FAILURE_47 [\\x1b[31mred\\u202e]',
      ),
      err.stderr,
    );
  });

  it("catalog, verify and restore use the connection's repository: as backup does", async () => {
    const [ref] = halted()[0];
    const { stdout } = await vmb(['backup', ref, '--json']);
    const entry = JSON.parse(stdout) as { id: string; dir: string };
    assert.ok(entry.dir.startsWith(path.join(ws, 'elsewhere') + path.sep), entry.dir);
    const { stdout: cat } = await vmb(['catalog', '--json']);
    assert.deepEqual(
      (JSON.parse(cat) as Array<{ id: string }>).map((e) => e.id),
      [entry.id],
    );
    const { stdout: ver } = await vmb(['verify', entry.id, '--json']);
    assert.deepEqual(JSON.parse(ver), { ok: true, problems: [] });
    const { stdout: res } = await vmb(['restore', entry.id, '--name', '--restored--', '--json']);
    assert.equal(
      (JSON.parse(res) as { name: string }).name,
      '--restored--',
      '--name takes a value that starts with --',
    );
  });

  it('several VMs in one backup run at most concurrencyPerHost at once on a host', async () => {
    profile({ concurrencyPerHost: 1 });
    const refs = halted()
      .slice(0, 3)
      .map(([r]) => r);
    const { stdout } = await vmb(['backup', ...refs, '--json']);
    const rows = JSON.parse(stdout) as Array<{
      state: string;
      started: string;
      finished: string;
      entry?: { dir: string };
    }>;
    assert.equal(rows.length, 3);
    assert.ok(
      rows.every((r) => r.state === 'succeeded' && r.entry),
      stdout,
    );
    const spans = rows.map((r) => [Date.parse(r.started), Date.parse(r.finished)]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++)
      assert.ok(spans[i][0] >= spans[i - 1][1], 'one after the other, never two at once');
  });

  it('a snapshot named "--x" is named --x', async () => {
    const [ref] = halted()[0];
    const { stdout } = await vmb(['snapshot', ref, '--name', '--x', '--json']);
    assert.equal((JSON.parse(stdout) as { name: string }).name, '--x');
  });

  it('--memory on a running Xen VM says the platform does not offer it, not that the VM must run', async () => {
    const [, running] = [...lab.store.table('VM')].find(
      ([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === 'Running',
    )!;
    const r = (await vmb(['snapshot', running.uuid as string, '--memory']).then(
      () => assert.fail('a refused --memory must exit non-zero'),
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--memory does not apply to .*: xen does not offer memory snapshots/);
    assert.doesNotMatch(r.stderr, /running VM/);
  });

  it('backup --format ovf (or an Oracle VM flag) on Xen is refused naming the flag and the formats offered, nothing made', async () => {
    const [ref] = halted()[0];
    for (const [flags, said] of [
      [
        ['--format', 'ovf'],
        /--format ovf: not offered by a backup on Citrix Hypervisor \/ XCP-ng \(its formats: image\)/,
      ],
      [['--method', 'hot-clone'], /--method: a backup on Citrix Hypervisor \/ XCP-ng has one method/],
    ] as const) {
      const r = (await vmb(['backup', ...flags, ref]).then(
        () => assert.fail(`backup ${flags.join(' ')} on Xen must be refused`),
        (e: unknown) => e,
      )) as { code: number; stderr: string };
      assert.equal(r.code, 1);
      assert.match(r.stderr, said);
    }
    assert.equal(
      fs.existsSync(path.join(ws, 'elsewhere')) && fs.readdirSync(path.join(ws, 'elsewhere')).length > 0,
      false,
    );
  });

  it('without a password names the real variable of the connection (VMBACKUP_PASSWORD_VCENTER), never a value', async () => {
    saveConnections(ws, [{ name: 'vcenter', platform: 'xen', url: lab.url, username: 'root' }]);
    const r = (await runCli(['ls'], { ws, env: { VMBACKUP_PASSWORD_LAB: PASSWORD } }).then(
      () => assert.fail('ls without a password must fail'),
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no password: set VMBACKUP_PASSWORD_VCENTER or VMBACKUP_PASSWORD/);
    assert.ok(!r.stderr.includes(PASSWORD));
  });
});
