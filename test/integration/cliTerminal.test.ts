// The CLI on a terminal (a pseudo-terminal from util-linux `script`): each message once. The verb's result is on
// stdout; what happened on the way (the provider's log lines, progress) is a status line on stderr, erased before the
// result, so `snapshot` no longer shows "snapshot X created" (stderr) above "snapshot X (uuid) of VM" (stdout).
import { strict as assert } from 'node:assert';
import { XapiLab } from '../lab/xapi';
import { startCliLab } from './cliLab';
import { onTerminal as onTerminalWith, screen } from './terminalRun';

const PASSWORD = 'cli-terminal-pw-5';

const onTerminal = (args: string[], ws: string) => onTerminalWith(args, ws, { VMBACKUP_PASSWORD_LAB: PASSWORD });

describe('vmbackup on a terminal: each message once', function () {
  this.timeout(180_000);
  let lab: XapiLab | undefined;
  let ws = '';

  before(async () => {
    ({ lab, ws } = await startCliLab(PASSWORD, 'vmbackup-terminal-'));
  });
  after(async () => {
    await lab?.close();
  });

  it('snapshot, revert and snapshot-delete: the result once, no log line of the same event above it', async () => {
    const vm = [...lab!.store.table('VM').values()].find(
      (v) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && v.power_state === 'Halted',
    )!;
    const snap = await onTerminal(['snapshot', vm.uuid as string, '--name', 'nightly'], ws);
    assert.equal(snap.status, 0, snap.raw);
    assert.deepEqual(screen(snap.raw), [
      `snapshot nightly (${/\(([0-9a-f-]{36})\)/.exec(snap.raw)![1]}) of ${vm.name_label}`,
    ]);
    assert.doesNotMatch(screen(snap.raw).join('\n'), /created/);

    const revert = await onTerminal(['revert', vm.uuid as string, 'nightly'], ws);
    assert.equal(revert.status, 0, revert.raw);
    assert.deepEqual(screen(revert.raw), [`${vm.name_label} reverted to nightly`]);

    const del = await onTerminal(['snapshot-delete', vm.uuid as string, 'nightly'], ws);
    assert.equal(del.status, 0, del.raw);
    assert.deepEqual(screen(del.raw), [`snapshot nightly of ${vm.name_label} deleted`]);
  });
});
