// What the CLI prints, as a user reads it: a foreign value (a VM named with a line feed) never starts a line of its own,
// in a table, a result or an error; the CLI's own line breaks (a method's trade-off, a list of refused flags) print as
// line breaks, not as `\x0a`; stdout starts with the result; a step without bytes shows no bytes; on a terminal the
// Oracle VM method's trade-off stays on the screen. Child processes against the Oracle VM REST lab (with its sshd) and
// the XAPI lab.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SEED } from '../lab/ovm';
import { XapiLab } from '../lab/xapi';
import { saveConnections } from '../../src/core/connections';
import { startCli } from './crashRun';
import { startCliLab } from './cliLab';
import { OVM_PASSWORD, OvmFixture, startOvmFixture } from './ovmFixture';
import { onTerminal, screen } from './terminalRun';

/** SEED.hostile as the CLI shows it: the line feed escaped. */
const HOSTILE_SHOWN = SEED.hostile.replace('\n', '\\x0a');

describe('CLI output: foreign line feeds escaped, our own line breaks kept (Oracle VM lab)', function () {
  this.timeout(240_000);
  let f: OvmFixture | undefined;
  let ws = '';
  before(async () => {
    f = await startOvmFixture({ jobStepMs: 20 });
    ws = path.dirname(f.repo);
    saveConnections(ws, [{ ...f.profile, repository: 'backups' }]);
  });
  after(async () => {
    await f?.close();
  });
  const cli = (args: string[]) => startCli(ws, args, OVM_PASSWORD).exited;

  it('ls: the VM named "evil…\\nvm" is one line (no line reads like a VM called "vm")', async () => {
    const r = await cli(['ls']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(
      lines.some((l) => l.trim().startsWith(`${HOSTILE_SHOWN}  halted  `)),
      r.stdout,
    );
    assert.ok(!lines.some((l) => /^\s*vm\b/.test(l)), r.stdout);
  });

  it('backup (copy-stopped) and catalog: the result line and the table row name it on one line; stdout starts with the result', async () => {
    const r = await cli(['backup', SEED.hostile, '--method', 'copy-stopped']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^backed up ${escapeRe(HOSTILE_SHOWN)} to \\S.*\\n$`));
    assert.equal(r.stdout.split('\n').length, 2, r.stdout);
    const c = await cli(['catalog']);
    assert.equal(c.code, 0, c.stderr);
    const entries = JSON.parse((await cli(['catalog', '--json'])).stdout) as unknown[];
    assert.equal(c.stdout.trimEnd().split('\n').length, entries.length, c.stdout);
    assert.ok(c.stdout.includes(`  ${HOSTILE_SHOWN}  `), c.stdout);
  });

  it('a restore of its backup that fails: the error is one line (the backup named escaped), NETWORK_NOT_FOUND as on Xen', async () => {
    const entries = JSON.parse((await cli(['catalog', '--json'])).stdout) as { id: string; label: string }[];
    const id = entries.find((e) => e.label === SEED.hostile)!.id;
    const r = await cli([
      'restore',
      id,
      '--storage',
      SEED.repository,
      '--server-pool',
      SEED.pool,
      '--network',
      '0=Nope',
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(
      r.stderr,
      /^vmbackup: .*NETWORK_NOT_FOUND \[.*no network "Nope"; the networks: "Backup Net", "VM Network"\]\n$/,
    );
    const repo = await cli(['restore', id, '--storage', 'nope', '--server-pool', SEED.pool]);
    assert.match(repo.stderr, /the repositories: "repo1", "backup-repo"/);
    const host = await cli(['restore', id, '--host', 'ovs1', '--storage', SEED.repository]);
    assert.match(host.stderr, /--host: a restore on Oracle VM goes to a server pool/);
  });

  it('a refused cold clone of a running VM: the trade-off first, as lines (no \\x0a), then the hint, then the error', async () => {
    const r = await cli(['backup', SEED.running, '--clone-repository', SEED.backupRepository]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /\\x0a/);
    const lines = r.stderr.split('\n');
    const tradeOff = lines.findIndex((l) => l.startsWith('Cold clone, then back up the clone’s files'));
    const plus = lines.indexOf('  + The virtual disks are consistent.');
    const hint = lines.findIndex((l) => l.startsWith('web01 is not stopped: '));
    const error = lines.findIndex((l) => l.startsWith('vmbackup: '));
    assert.ok(tradeOff === 0 && plus === 1 && hint > plus && error > hint, r.stderr);
    assert.equal(lines.filter((l) => l.startsWith('Cold clone, then')).length, 1, 'the trade-off once');
  });

  it('steps without bytes show no bytes, and each progress line names its VM', async () => {
    const r = await cli(['backup', SEED.running, '--stop', '--clone-repository', SEED.backupRepository]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, / 0 B\b/);
    assert.match(r.stderr, /^web01: Stop web01$/m);
    for (const l of r.stderr.split('\n').filter((x) => / B \/ /.test(x))) assert.match(l, /^web01: /);
  });

  it('on a terminal the trade-off stays on the screen above the result', async () => {
    const r = await onTerminal(['backup', SEED.stopped, '--method', 'copy-stopped'], ws, {
      VMBACKUP_PASSWORD: OVM_PASSWORD,
    });
    assert.equal(r.status, 0, r.raw);
    const shown = screen(r.raw);
    assert.match(shown[0], /^Copy the stopped VM’s files from its repository/);
    assert.equal(shown[1], '  + The virtual disks are consistent.');
    assert.match(shown[shown.length - 1], /^backed up db01 to /);
  });
});

describe('CLI output on the XAPI lab: errors keep our line breaks, a VM name its line feed escaped', function () {
  this.timeout(180_000);
  const PASSWORD = 'cli-output-text-7';
  let lab: XapiLab | undefined;
  let ws = '';
  before(async () => {
    ({ lab, ws } = await startCliLab(PASSWORD, 'vmbackup-output-text-'));
  });
  after(async () => {
    await lab?.close();
  });
  const cli = (args: string[]) => startCli(ws, args, PASSWORD).exited;

  it('refused flags: one line each under the message, not "\\x0a"', async () => {
    const r = await cli(['backup', 'web-01', '--method', 'hot-clone']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^vmbackup: backup on connection "lab":\n {2}--method: /);
    assert.doesNotMatch(r.stderr, /\\x0a/);
  });

  it('a VM named "db\\nvm": its name escaped in the result and in an error; backup and restore print no empty first line', async () => {
    const vm = [...lab!.store.table('VM').values()].find(
      (v) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === 'Halted',
    )!;
    vm.name_label = 'db\nvm';
    const b = await cli(['backup', vm.uuid as string]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^backed up db\\x0avm to \S.*\n$/);
    const wrong = await cli(['revert', vm.uuid as string, 'no-such-snapshot']);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, 'vmbackup: no snapshot "no-such-snapshot" of db\\x0avm\n');
    const id = (JSON.parse((await cli(['catalog', '--json'])).stdout) as { id: string }[])[0].id;
    const restored = await cli(['restore', id, '--name', 'restored\nvm']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /^restored .* as restored\\x0avm \([0-9a-f-]{36}\), halted\n$/);
  });

  it('a snapshot name with ESC and a line feed: both escaped, one result line', async () => {
    const r = await cli(['snapshot', 'dns-01', '--name', 'bad\x1b[31mred\nline']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^snapshot bad\\x1b\[31mred\\x0aline \([0-9a-f-]{36}\) of dns-01\n$/);
  });
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
