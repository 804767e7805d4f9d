// The vcb-* verbs as a user runs them (node dist/cli.js) against the VCB lab: a connections.yaml whose VMware
// connection has a VCB host, passwords from the environment only.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from './cliRun';
import { VCSIM_PASSWORD } from './vmwareFixture';
import { VcbFixture, startVcbFixture, stopVcbFixture } from './vcbFixture';
import { tempDir } from '../tempDir';

describe('vmbackup vcb-* verbs against the VCB lab', function () {
  this.timeout(300_000);
  let f: VcbFixture;
  let ws: string;
  const env = { VMBACKUP_PASSWORD: VCSIM_PASSWORD };

  before(async () => {
    f = await startVcbFixture();
    ws = tempDir('vmbk-vcb-cli-');
    const key = path.join(ws, 'id_vcb');
    fs.writeFileSync(key, f.lab.peer.privateKey, { mode: 0o600 });
    fs.mkdirSync(path.join(ws, '.vmbackup'));
    const profile = { ...f.profile, repository: 'backups', vcbHosts: [{ ...f.host, privateKeyFile: key }] };
    fs.writeFileSync(path.join(ws, '.vmbackup', 'connections.yaml'), stringify({ connections: [profile] }));
  });
  after(async () => {
    await stopVcbFixture(f);
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('vcb-find lists what vcbVmName finds', async () => {
    const { stdout } = await runCli(['vcb-find', 'name:DC0_H0_VM0', '--json'], { ws, env });
    const vms = JSON.parse(stdout) as Array<{ name: string; moref: string }>;
    assert.deepEqual(
      vms.map((v) => v.name),
      ['DC0_H0_VM0'],
    );
  });

  it('vcb-find as text: one aligned row per VM, no line ending in blanks (a VM without an IP address included)', async () => {
    const { stdout } = await runCli(['vcb-find', 'any:'], { ws, env });
    const json = JSON.parse((await runCli(['vcb-find', 'any:', '--json'], { ws, env })).stdout) as Array<{
      ipaddr: string;
    }>;
    assert.ok(
      json.some((v) => !v.ipaddr),
      'the lab has a VM without an IP address (vcbVmName prints an empty ipaddr)',
    );
    const lines = stdout.replace(/\n$/, '').split('\n');
    assert.equal(lines.length, json.length, stdout);
    for (const l of lines) assert.doesNotMatch(l, /\s$/, JSON.stringify(l));
    const uuidAt = new Set(lines.map((l) => l.search(/[0-9a-f]{8}-[0-9a-f]{4}-/)));
    assert.equal(uuidAt.size, 1, `the uuid column starts at one place:\n${stdout}`);
  });

  it('vcb-backup into the repository, then vcb-backup --to a folder and vcb-restore -b overwrite from it', async () => {
    await runCli(['vcb-backup', 'DC0_H0_VM0'], { ws, env });
    const vmDir = path.join(ws, 'backups', 'DC0_H0_VM0');
    const [backup] = fs.readdirSync(vmDir);
    assert.ok(fs.existsSync(path.join(vmDir, backup, 'manifest.json')));
    assert.ok(fs.existsSync(path.join(vmDir, backup, 'catalog')));
    const dest = path.join(f.lab.backups, 'cli-vm0');
    await runCli(['vcb-backup', 'DC0_H0_VM0', '--to', dest], { ws, env });
    assert.ok(fs.existsSync(path.join(dest, 'catalog')));
    const before = await f.vm('DC0_H0_VM0');
    await runCli(['vcb-restore', dest, '-b', 'overwrite'], { ws, env });
    assert.notEqual((await f.vm('DC0_H0_VM0')).id, before.id);
  });

  it('vcb-restore --from-repository: to the original place, then elsewhere with --catalog (an edited local copy)', async () => {
    const vmDir = path.join(ws, 'backups', 'DC0_H0_VM0');
    const [backup] = fs.readdirSync(vmDir);
    const id = path.join('DC0_H0_VM0', backup);
    const before = await f.vm('DC0_H0_VM0');
    const { stdout } = await runCli(['vcb-restore', '--from-repository', id, '-b', 'overwrite', '--json'], { ws, env });
    const r = JSON.parse(stdout) as { backup: string; staging: string; mode: string };
    assert.equal(r.backup, id);
    assert.equal(r.mode, 'overwrite');
    assert.notEqual((await f.vm('DC0_H0_VM0')).id, before.id, 'registered anew');
    assert.deepEqual(fs.readdirSync(f.host.stagingDir!), [], 'the staging folder is removed');

    const edited = path.join(ws, 'catalog-elsewhere');
    fs.writeFileSync(
      edited,
      fs
        .readFileSync(path.join(vmDir, backup, 'catalog'), 'utf8')
        .replace(/\[LocalDS_0\] DC0_H0_VM0\//g, '[LocalDS_0] vm0-cli-elsewhere/'),
    );
    await runCli(['vcb-restore', '--from-repository', id, '--catalog', edited, '-b', 'abort'], { ws, env });
    assert.equal((await f.inventory()).vms.filter((v) => v.name === 'DC0_H0_VM0').length, 2);
    assert.ok(fs.existsSync(path.join(await f.dsDir(), 'vm0-cli-elsewhere')));
    assert.deepEqual(fs.readdirSync(f.host.stagingDir!), []);
    assert.ok(!fs.existsSync(path.join(ws, 'backups', '.vmbackup')), 'no journal entry left');
  });

  it('vcb-restore without a terminal and -b prompt ends the tool when it asks, exit 1 naming the question', async () => {
    const dest = path.join(f.lab.backups, 'cli-vm0');
    await assert.rejects(runCli(['vcb-restore', dest], { ws, env }), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, /vcbRestore asked .*Overwrite.* no answer was given: ended/);
      return true;
    });
  });

  it('an unpinned VCB host is refused with its fingerprint', async () => {
    const text = fs.readFileSync(path.join(ws, '.vmbackup', 'connections.yaml'), 'utf8');
    fs.writeFileSync(path.join(ws, '.vmbackup', 'connections.yaml'), text.replace(/\n\s*hostKey: .*\n/, '\n'));
    try {
      await assert.rejects(runCli(['vcb-find', 'any:'], { ws, env }), (e: { stderr: string }) => {
        assert.ok(e.stderr.includes(f.lab.peer.hostKeyFingerprint), e.stderr);
        return true;
      });
    } finally {
      fs.writeFileSync(path.join(ws, '.vmbackup', 'connections.yaml'), text);
    }
  });
});
