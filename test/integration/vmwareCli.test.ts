import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { runCli } from './cliRun';
import { saveConnections } from '../../src/core/connections';
import { Vcsim, expectedCounts, startVcsim } from '../peers/vcsim/vcsim';
import { tempDir } from '../tempDir';

const PASSWORD = 'vc-cli-pw-77';

describe('vmbackup CLI against vcsim (platform vmware)', function () {
  this.timeout(300_000);
  let sim: Vcsim;
  let ws: string;
  const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD_VC: PASSWORD } });

  before(async () => {
    sim = await startVcsim({ username: 'administrator@vsphere.local', password: PASSWORD });
    ws = tempDir('vmbackup-ws-vc-');
    saveConnections(ws, [
      {
        name: 'vc',
        platform: 'vmware',
        url: sim.baseUrl,
        username: 'administrator@vsphere.local',
        thumbprint: sim.sha256,
        repository: 'backups',
      },
    ]);
  });
  after(async () => {
    await sim?.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('ls --json lists every VM with its datacenter and host', async () => {
    const { stdout } = await vmb(['ls', '--json']);
    const rows = JSON.parse(stdout) as Array<{ pool: string; host: string; name: string; powerState: string }>;
    assert.equal(rows.length, expectedCounts().vms);
    assert.ok(rows.every((r) => r.pool === 'DC0' && r.host && r.powerState === 'running'));
  });

  it('snapshot and revert from the shell', async () => {
    const { stdout } = await vmb(['snapshot', 'DC0_H0_VM0', '--name', 'from the shell', '--json']);
    assert.equal(JSON.parse(stdout).name, 'from the shell');
    const { stdout: reverted } = await vmb(['revert', 'DC0_H0_VM0', 'from the shell']);
    assert.match(reverted, /DC0_H0_VM0 reverted to from the shell/);
  });

  it('backup, catalog, verify and restore to another datastore from the shell', async () => {
    const { stdout } = await vmb(['backup', 'DC0_H0_VM1', '--json']);
    const entry = JSON.parse(stdout) as { id: string; manifest: { platform: string } };
    assert.equal(entry.manifest.platform, 'vmware');
    const { stdout: catalog } = await vmb(['catalog']);
    assert.match(catalog, new RegExp(`${entry.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  vm  DC0_H0_VM1`));
    const { stdout: verified } = await vmb(['verify', entry.id]);
    assert.match(verified, /: OK$/m);
    const { stdout: restored } = await vmb([
      'restore',
      entry.id,
      '--sr',
      'LocalDS_0',
      '--name',
      'from-the-shell',
      '--json',
    ]);
    assert.equal(JSON.parse(restored).name, 'from-the-shell');
    const { stdout: ls } = await vmb(['ls', '--json']);
    assert.ok((JSON.parse(ls) as Array<{ name: string }>).some((r) => r.name === 'from-the-shell'));
  });

  it('backup --format ovf and restore of it (OVF import) from the shell; an unknown format is refused', async () => {
    const { stdout } = await vmb(['backup', 'DC0_C0_RP0_VM0', '--format', 'ovf', '--json']);
    const entry = JSON.parse(stdout) as { id: string; manifest: { files: { name: string }[] } };
    assert.deepEqual(entry.manifest.files.map((f) => f.name).sort(), ['DC0_C0_RP0_VM0.ovf', 'disk-0.vmdk']);
    const { stdout: verified } = await vmb(['verify', entry.id]);
    assert.match(verified, /: OK$/m);
    const { stdout: restored } = await vmb(['restore', entry.id, '--sr', 'LocalDS_0', '--name', 'ovf-shell', '--json']);
    assert.equal(JSON.parse(restored).name, 'ovf-shell');
    const bad = await vmb(['backup', 'DC0_C0_RP0_VM0', '--format', 'qcow2']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(bad?.code, 1);
    assert.match(bad!.stderr, /--format must be image or ovf/);
  });

  it('a failed backup names the connection in one line, exit code 1, no password, nothing left in the repository', async () => {
    const err = await vmb(['backup', 'no-such-vm']).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    assert.ok(err, 'the backup must fail');
    assert.equal(err.code, 1);
    assert.match(err.stderr, /no VM "no-such-vm" on connection "vc"/);
    assert.ok(!(err.stderr + err.stdout).includes(PASSWORD));
  });
});
