// vmbackup revert by snapshot name: an ambiguous name is refused with each snapshot's uuid and time; reverting a
// running VM to a disk-only snapshot says it is halted now (xapi_vm_snapshot.ml `revert`, as the lab does).
import { strict as assert } from 'node:assert';
import { runCli } from './cliRun';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { saveConnections } from '../../src/core/connections';
import { tempDir } from '../tempDir';

const PASSWORD = 'cli-snapnames-pw-3';

describe('vmbackup revert: snapshot names', function () {
  this.timeout(120_000);
  let lab: XapiLab;
  let ws: string;
  const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD_LAB: PASSWORD } });
  const vmIn = (state: string) =>
    [...lab.store.table('VM').values()].find(
      (v) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === state,
    )!.uuid as string;
  const snapshot = async (vm: string, name: string) =>
    (JSON.parse((await vmb(['snapshot', vm, '--name', name, '--json'])).stdout) as { uuid: string }).uuid;

  beforeEach(async () => {
    lab = await startXapiLab({ password: PASSWORD, taskStepMs: 5 });
    ws = tempDir('vmbackup-snapnames-');
    saveConnections(ws, [{ name: 'lab', platform: 'xen', url: lab.url, username: 'root' }]);
  });
  afterEach(() => lab.close());

  it('refuses a name two snapshots share, listing both uuids and times; the uuid then works', async () => {
    const vm = vmIn('Halted');
    const first = await snapshot(vm, 'before upgrade');
    const second = await snapshot(vm, 'before upgrade');
    const err = await vmb(['revert', vm, 'before upgrade']).then(
      () => assert.fail('an ambiguous name must be refused'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /"before upgrade" names 2 snapshots of .*: use the uuid of one of them/);
    const time = (uuid: string) => {
      const [, rec] = [...lab.store.table('VM')].find(([, v]) => v.uuid === uuid)!;
      const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}:\d{2}:\d{2})Z$/.exec(rec.snapshot_time as string)!;
      return `${m[1]}-${m[2]}-${m[3]}T${m[4]}.000Z`;
    };
    const listed = [...err.stderr.matchAll(/([0-9a-f-]{36}) \(taken ([^,)]+)/g)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(listed.sort(), [`${first} ${time(first)}`, `${second} ${time(second)}`].sort(), err.stderr);

    const { stdout } = await vmb(['revert', vm, second, '--json']);
    assert.equal((JSON.parse(stdout) as { snapshot: string }).snapshot, second);
  });

  it('a running VM reverted to a disk-only snapshot: says it is halted now', async () => {
    const vm = vmIn('Running');
    const snap = await snapshot(vm, 'disk only');
    const { stdout } = await vmb(['revert', vm, snap]);
    assert.match(stdout, /reverted to disk only; it is halted now \(the snapshot holds no memory\)/);
    const [, rec] = [...lab.store.table('VM')].find(([, v]) => v.uuid === vm)!;
    assert.equal(rec.power_state, 'Halted');
  });
});
