import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './cliRun';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { saveConnections } from '../../src/core/connections';
import { tempDir } from '../tempDir';

const PASSWORD = 'cli-lab-pw-41';

describe('vmbackup CLI against the XAPI lab', function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let ws: string;
  const vmb = (args: string[], env: NodeJS.ProcessEnv = { VMBACKUP_PASSWORD_LAB: PASSWORD }) =>
    runCli(args, { ws, env });

  before(async () => {
    lab = await startXapiLab({ password: PASSWORD, taskStepMs: 5 });
    ws = tempDir('vmbackup-ws-');
    saveConnections(ws, [{ name: 'lab', platform: 'xen', url: lab.url, username: 'root', repository: 'backups' }]);
  });
  after(() => lab.close());

  it('ls --json lists the VMs with power states', async () => {
    const { stdout } = await vmb(['ls', '--json']);
    const rows = JSON.parse(stdout) as Array<{ name: string; powerState: string }>;
    assert.equal(rows.length, 12);
    assert.ok(rows.every((r) => ['running', 'halted', 'suspended', 'paused'].includes(r.powerState)));
  });

  it('backup, catalog and verify work from the shell', async () => {
    const { stdout: ls } = await vmb(['ls', '--json']);
    const vm = (JSON.parse(ls) as Array<{ name: string; powerState: string; uuid: string }>).find(
      (v) => v.powerState === 'halted',
    )!;
    const { stdout } = await vmb(['backup', vm.uuid, '--json']);
    const entry = JSON.parse(stdout);
    assert.equal(entry.vmUuid, vm.uuid);
    const { stdout: cat } = await vmb(['catalog', '--json']);
    assert.equal(JSON.parse(cat)[0].id, entry.id);
    const { stdout: ver } = await vmb(['verify', entry.id, '--json']);
    assert.deepEqual(JSON.parse(ver), { ok: true, problems: [] });
  });

  it('restore: as a new VM keeping MACs when asked; replacing the original only with --yes', async () => {
    const { stdout: ls } = await vmb(['ls', '--json']);
    const vm = (JSON.parse(ls) as Array<{ name: string; powerState: string; uuid: string }>).find(
      (v) => v.powerState === 'halted',
    )!;
    const entry = JSON.parse((await vmb(['backup', vm.uuid, '--json'])).stdout);
    const macs = (uuid: string) => {
      const v = [...lab.store.table('VM').values()].find((x) => x.uuid === uuid)!;
      return v.VIFs.map((r: string) => lab.store.get('VIF', r)!.MAC);
    };
    const { stdout, stderr } = await vmb(['restore', entry.id, '--name', 'copy', '--preserve-macs']);
    // stderr is a pipe here, not a terminal: progress comes as plain lines, no \r or escape sequences.

    assert.doesNotMatch(stderr, /[\x00-\x09\x0b-\x1f\x7f]/);
    const uuid = /\(([0-9a-f-]{36})\), halted$/m.exec(stdout)?.[1];
    assert.ok(uuid && uuid !== vm.uuid, stdout);
    assert.deepEqual(macs(uuid), macs(vm.uuid));
    assert.match(stderr, /still exists in the pool with the same MAC addresses/);
    const refused = await vmb(['restore', entry.id, '--replace-original']).then(
      () => undefined,
      (e) => e,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /add --yes to confirm/);
    const { stdout: replaced } = await vmb(['restore', entry.id, '--replace-original', '--yes']);
    assert.match(replaced, new RegExp(`\\(${vm.uuid}\\), halted`));
  });

  it('fails with exit 1 and the vendor code, never echoing the password, when it is wrong', async () => {
    const err = await vmb(['ls'], { VMBACKUP_PASSWORD_LAB: 'not-it-99' }).then(
      () => undefined,
      (e) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /connection "lab": SESSION_AUTHENTICATION_FAILED/);
    assert.ok(!err.stderr.includes('not-it-99'));
  });

  it('asks for the password in the environment when there is no terminal', async () => {
    const err = await vmb(['ls'], {}).then(
      () => undefined,
      (e) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /VMBACKUP_PASSWORD/);
  });
});

describe('vmbackup validate', function () {
  this.timeout(30_000);
  const dir = tempDir('vmbackup-validate-');
  const vmb = (args: string[]) => runCli(['validate', ...args]);

  it('exits 0 on a clean file and 1 with file:line:col diagnostics on a broken one', async () => {
    const good = path.join(dir, 'good', 'backuptools.conf');
    fs.mkdirSync(path.dirname(good), { recursive: true });
    fs.writeFileSync(good, '# ok\nVCHOST="vc.example.com"\n');
    const ok = await vmb([good]);
    assert.match(ok.stdout, /OK/);
    const bad = path.join(dir, 'bad', 'backuptools.conf');
    fs.mkdirSync(path.dirname(bad), { recursive: true });
    fs.writeFileSync(bad, '# broken\nVCHOST = vc.example.com\n');
    const err = await vmb([bad]).then(
      () => undefined,
      (e) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stdout, /backuptools\.conf:2:\d+: error space-around-equals/);
  });

  it('--json gives the diagnostics with codes and ranges', async () => {
    const f = path.join(dir, 'ovmm');
    fs.writeFileSync(f, 'DBBACKUP_CMD=/tmp/evil.sh\n');
    const r = await vmb([f, '--language', 'ovmm-sysconfig', '--json']).then(
      (x) => x,
      (e) => e,
    );
    const data = JSON.parse(r.stdout);
    assert.equal(data[0].languageId, 'ovmm-sysconfig');
    assert.ok(
      data[0].diagnostics.some((d: { code: string }) => d.code === 'dbbackup-cmd-changed'),
      r.stdout,
    );
  });
});
