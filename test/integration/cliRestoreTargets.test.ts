// `vmbackup storage`, `vmbackup networks` and `restore --sr/--network/--to/--start` as a user runs them.
import { strict as assert } from 'node:assert';
import { runCli } from './cliRun';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { saveConnections } from '../../src/core/connections';
import { tempDir } from '../tempDir';

const PASSWORD = 'cli-aim-pw-7';

describe('vmbackup storage / networks / restore --sr --network --to --start (XAPI labs)', function () {
  this.timeout(90_000);
  let lab: XapiLab;
  let other: XapiLab;
  let ws: string;
  const env = { VMBACKUP_PASSWORD: PASSWORD };
  const vmb = (args: string[]) => runCli(args, { ws, env });
  let backupId: string;

  before(async () => {
    lab = await startXapiLab({ password: PASSWORD, taskStepMs: 5, hosts: 2 });
    other = await startXapiLab({ password: PASSWORD, taskStepMs: 5, hosts: 1 });
    const [, net] = [...other.store.table('network')][0];
    net.name_label = 'LAN';
    net.bridge = 'xenbr7';
    ws = tempDir('vmbackup-ws-aim-');
    saveConnections(ws, [
      { name: 'lab', platform: 'xen', url: lab.url, username: 'root', repository: 'backups' },
      { name: 'other', platform: 'xen', url: other.url, username: 'root', repository: 'backups' },
    ]);
    const { stdout } = await vmb(['ls', '--json']);
    const vm = (JSON.parse(stdout) as Array<{ powerState: string; uuid: string }>).find(
      (v) => v.powerState === 'halted',
    )!;
    backupId = JSON.parse((await vmb(['backup', vm.uuid, '--json'])).stdout).id;
  });
  after(async () => {
    await lab.close();
    await other.close();
  });

  it('storage lists each SR with type, host of a local one, free space and the default; --backup says what fits', async () => {
    const { stdout } = await vmb(['storage', '--backup', backupId]);
    assert.match(stdout, /^"Local storage" · lvm · local to xcp-host-01 · 500\.0 GiB free · default · /m);
    assert.match(stdout, /^"Local storage" · lvm · local to xcp-host-02 · 500\.0 GiB free · [0-9a-f-]{36}$/m);
    assert.match(stdout, /^"NFS storage" · nfs · shared · /m);
    // The backup's size in the unit that fits it (core/progress.ts formatBytes), never "0.0 GiB" for a small one.
    assert.match(stdout, /^backup \S+: \d+(\.\d)? (B|KiB|MiB)$/m);
    assert.doesNotMatch(stdout, /: 0\.0 GiB$/m);
    assert.doesNotMatch(stdout, /ISO library/);
    const rows = JSON.parse((await vmb(['storage', '--json', '--backup', backupId])).stdout);
    assert.ok(rows.every((r: { fits: boolean }) => r.fits === true));
  });

  it("networks lists the target pool's networks and, for a backup, where each VIF would go", async () => {
    const { stdout } = await vmb(['networks', '--to', 'other', '--backup', backupId]);
    assert.match(stdout, /^"LAN" · bridge xenbr7/m);
    assert.match(stdout, /VIF 0 \(.*\) on "Pool-wide network associated with eth0" → NO NETWORK of that name/);
    const mapped = await vmb(['networks', '--to', 'other', '--backup', backupId, '--network', '0=LAN']);
    assert.match(mapped.stdout, /VIF 0 .* → "LAN" \(mapped\)/);
  });

  it('a wrong --sr is refused naming it, not HTTP_500', async () => {
    const err = await vmb(['restore', backupId, '--sr', 'Fast SSD']).then(
      () => assert.fail('restored'),
      (e) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /no SR "Fast SSD"/);
    assert.doesNotMatch(err.stderr, /HTTP_500/);
    const ambiguous = await vmb(['restore', backupId, '--sr', 'Local storage']).then(
      () => assert.fail('restored'),
      (e) => e,
    );
    assert.match(ambiguous.stderr, /2 SRs are called "Local storage": use the uuid/);
  });

  it('--to another pool: refused before the import while a network is missing, restored with --network and --start', async () => {
    const refused = await vmb(['restore', backupId, '--to', 'other']).then(
      () => assert.fail('restored'),
      (e) => e,
    );
    assert.match(refused.stderr, /the target has no network "Pool-wide network associated with eth0" \(VIF 0\)/);
    const { stdout } = await vmb([
      'restore',
      backupId,
      '--to',
      'other',
      '--network',
      '0=LAN',
      '--start',
      '--name',
      'moved',
    ]);
    assert.match(stdout, /restored .* to "other" as moved \([0-9a-f-]{36}\), running$/m);
    const vm = [...other.store.table('VM').values()].find((v) => v.name_label === 'moved')!;
    const nets = (vm.VIFs as string[]).map(
      (r) => other.store.get('network', other.store.get('VIF', r)!.network)!.name_label,
    );
    assert.deepEqual(nets, ['LAN']);
  });
});
