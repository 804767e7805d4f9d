// `vmbackup manager-*` as a user runs them (node dist/cli.js, no stdin): connections.yaml managerHost, the REST lab and
// the Manager host stubs on a real sshd; a restore refused without --yes, then resumed; a CLI killed mid-restore, resumed.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvmLab, SEED, startOvmLab } from '../lab/ovm';
import { SshdPeer, startSshdPeer } from '../peers/openssh/sshdPeer';
import { OvmmHost, installOvmmTools } from '../peers/ovmm-tools/ovmmTools';
import { OvmCliPeer, startOvmCli } from '../peers/ovmm-tools/ovmCli';
import { CLI, runCli, cliBaseEnv } from './cliRun';
import { killWhen, repositoryLeftovers, startCli } from './crashRun';
import { filesUnder } from './ovmFixture';
import { VmObj } from '../lab/ovm/model';
import { listRunbookStates } from '../../src/core/runbook';
import { tempDir } from '../tempDir';

const PASSWORD = 'cli-Mgr-pw-42';

describe('vmbackup manager-* (CLI) against the Manager host stubs and the REST lab', function () {
  this.timeout(300_000);
  let lab: OvmLab;
  let peer: SshdPeer;
  let host: OvmmHost;
  let cli: OvmCliPeer;
  let ws: string;
  const env = { VMBACKUP_PASSWORD_OVM: PASSWORD };
  const vmNames = () => (lab.store.all('Vm') as VmObj[]).map((v) => v.name).sort();

  before(async () => {
    assert.ok(fs.existsSync(CLI), 'npm run build first');
    lab = await startOvmLab({ password: PASSWORD, jobStepMs: 20 });
    peer = await startSshdPeer();
    host = await installOvmmTools(peer, lab, { password: PASSWORD, startingMs: 300 });
    cli = await startOvmCli(PASSWORD);
    ws = tempDir('vmbk-ovmm-cli-');
    fs.mkdirSync(path.join(ws, '.vmbackup'));
    const s = host.settings;
    fs.writeFileSync(
      path.join(ws, '.vmbackup', 'connections.yaml'),
      [
        'connections:',
        '  - name: ovm',
        '    platform: oraclevm',
        `    url: https://127.0.0.1:${lab.port}`,
        '    username: admin',
        `    thumbprint: "${lab.thumbprint}"`,
        '    repository: backups',
        '    managerHost:',
        `      host: ${s.host}`,
        `      port: ${s.port}`,
        `      username: ${s.username}`,
        `      hostKey: "${s.hostKey}"`,
        `      privateKeyFile: ${path.join(peer.dir, 'client_key')}`,
        `      oracleHome: ${s.oracleHome}`,
        `      sysconfig: ${s.sysconfig}`,
        `      service: ${s.service}`,
        `      cliPort: ${cli.settings.cliPort}`,
        `      cliUsername: ${cli.settings.cliUsername}`,
        `      cliHostKey: "${cli.settings.cliHostKey}"`,
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await cli?.stop();
    await host?.close();
    await peer?.stop();
    await lab?.close();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  /**
   * A database backup of `ageSeconds` with a sparse 256 MiB file in DBBACKUP, and `manager-backup --db` of it killed
   * (SIGKILL) while that file streams: the killed run's folder and what was there before.
   */
  const killedManagerBackup = async (ageSeconds: number) => {
    const name = host.addAutoBackup(ageSeconds);
    const big = path.join(host.dbbackup, name, 'datadir', 'big.ibd');
    fs.mkdirSync(path.dirname(big), { recursive: true });
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 256 * 1024 * 1024); // sparse on the host, streamed whole
    fs.chmodSync(big, 0o644);
    const onHost = filesUnder(path.join(host.dbbackup, name));
    const repo = path.join(ws, 'backups');
    const managerDir = path.join(repo, 'ovm-manager');
    const folders = () => (fs.existsSync(managerDir) ? fs.readdirSync(managerDir).sort() : []);
    const kept = folders();
    const run = startCli(ws, ['manager-backup', '--db', name], PASSWORD);
    const killed = await killWhen(run, () =>
      repositoryLeftovers(repo).some((l) => /^part file .*big\.ibd\.part$/.test(l)),
    );
    assert.ok(killed, 'killed while the database backup streamed');
    const folder = folders().find((d) => !kept.includes(d))!;
    assert.ok(folder, 'the killed job left its folder');
    return { name, big, onHost, repo, managerDir, folders, kept, folder };
  };

  it('manager-backup --run-backup --weblogic-ldap, then manager-backups lists the new backup with its age', async () => {
    const r = await runCli(['manager-backup', '--run-backup', '--weblogic-ldap'], { ws, env });
    assert.match(
      r.stdout,
      /Manager backup saved to .*ovm-manager \(\d+ files; database: ManualBackup-\d{8}_\d{6}_\d+\)/,
    );
    assert.match(r.stderr, /INFO: {2}Backup job finished/);
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
    assert.match(r.stdout, /^Manager backup saved to /, 'stdout starts with the result, not an empty line');
    // Progress of the copy names what it is about (no bare "178 B / 178 B" line).
    const bytes = r.stderr.split('\n').filter((l) => / B \/ /.test(l));
    assert.ok(bytes.length > 0, r.stderr);
    for (const l of bytes) assert.match(l, /^Manager backup: /);
    const list = JSON.parse((await runCli(['manager-backups', '--json'], { ws, env })).stdout);
    assert.equal(list.settings.directory, host.dbbackup);
    assert.ok(
      list.backups.some(
        (b: { name: string; ageSeconds: number }) => /^ManualBackup-/.test(b.name) && b.ageSeconds < 3600,
      ),
    );
    const catalog = (await runCli(['catalog'], { ws, env })).stdout;
    assert.match(catalog, /ovm-manager/);
    const id = catalog
      .split('\n')
      .find((l) => l.includes('ovm-manager'))!
      .split('  ')[0];
    assert.match((await runCli(['verify', id], { ws, env })).stdout, /: OK$/m);
    for (const c of host.log()) assert.ok(!c.cmdline.includes(PASSWORD));
  });

  it('manager-backups shows the rotation settings the Manager CLI getDbBackupConfig gives (§12.1.2: they live in the database), as they change', async () => {
    host.addAutoBackup(30 * 3600);
    const first = await runCli(['manager-backups'], { ws, env });
    assert.match(first.stdout, /^rotation: .*not in \/etc\/sysconfig\/ovmm \(§12\.1\.2\)/m);
    assert.match(
      first.stdout,
      /^rotation settings: every 1440 min \(24 h\), 21 automatic backups kept \(Manager CLI getDbBackupConfig at 127\.0\.0\.1:\d+, guide §12\.1\.2\)$/m,
    );
    assert.match(
      first.stdout,
      /^note: the newest automatic backup is 1 d 6 h old \(the Manager's interval 1440 min\)/m,
    );
    cli.setDbBackupConfig(2880, 14);
    const json = JSON.parse((await runCli(['manager-backups', '--json'], { ws, env })).stdout);
    assert.equal(json.rotationSettings.intervalMinutes, 2880);
    assert.equal(json.rotationSettings.numberToKeep, 14);
    assert.deepEqual(json.rotationSettings.problems, []);
    assert.ok(
      !json.notes.some((n: string) => n.startsWith('the newest automatic backup')),
      'a 30 h old backup is not late with a 48 h interval',
    );
    cli.setReply(
      'OVM> getDbBackupConfig\nCommand: getDbBackupConfig\nStatus: Failure\nTime: x\nError Msg: OVMAPI_6000E Internal Error\x1b[2J\n',
    );
    const failed = await runCli(['manager-backups'], { ws, env });
    assert.match(
      failed.stdout,
      /^rotation settings: interval and number kept unknown \(.*getDbBackupConfig: Status Failure: OVMAPI_6000E Internal Error\\u001b\[2J\)$/m,
    );
    assert.doesNotMatch(failed.stdout, /\x1b/);
    // A reply of another shape (its keys are not published): the lines as given, no interval guessed, no late note.
    cli.setReply(
      'OVM> getDbBackupConfig\nCommand: getDbBackupConfig\nStatus: Success\nTime: x\nData: \n  Backup Frequency = 1 Days\n  Retention Count = 14\nOVM> Connection closed.\n',
    );
    const other = await runCli(['manager-backups'], { ws, env });
    assert.match(
      other.stdout,
      /^rotation settings: interval and number kept unknown \(.*the reply: Backup Frequency = 1 Days \| Retention Count = 14;/m,
    );
    assert.doesNotMatch(other.stdout, /^note: the newest automatic backup is .* old \(the Manager's interval/m);
    cli.setReply(undefined);
    cli.setDbBackupConfig(1440, 21);
  });

  it('manager-backups with the Manager CLI key not pinned: the listing still works and names the key to pin', async () => {
    const yaml = path.join(ws, '.vmbackup', 'connections.yaml');
    const before = fs.readFileSync(yaml, 'utf8');
    try {
      fs.writeFileSync(yaml, before.replace(/^ {6}cliHostKey: .*\n/m, ''));
      const r = await runCli(['manager-backups'], { ws, env });
      assert.match(r.stdout, /^DBBACKUP /m);
      assert.match(r.stdout, /^rotation settings: interval and number kept unknown \(.*not read: .*SHA256:/m);
      assert.ok(r.stdout.includes(cli.settings.cliHostKey), r.stdout);
      assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
    } finally {
      fs.writeFileSync(yaml, before);
    }
  });

  it('manager-restore without a terminal and without --yes stops before the first destructive step; --resume --yes finishes it', async () => {
    const name = host.addAutoBackup(120);
    const backedUp = vmNames();
    const err = await runCli(['manager-restore', name], { ws, env }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.ok(err);
    assert.equal(err.code, 1);
    assert.match(err.stderr, /"Stop ovmcli, ovmm and ovmm_mysql" needs a confirmation .*add --yes/);
    assert.equal(lab.store.manager().managerRunState, 'RUNNING');
    lab.store.removeVm(lab.store.vmByName(SEED.running), true);
    const r = await runCli(['manager-restore', name, '--resume', '--yes'], { ws, env });
    assert.match(r.stdout, /✓ 7\/7 What is left to do by hand: done/);
    assert.deepEqual(vmNames(), backedUp);
  });

  it('a CLI killed (SIGKILL) while RestoreDatabase.sh runs: --resume --yes re-runs that step and ends with the inventory back', async () => {
    const name = host.addAutoBackup(60);
    const backedUp = vmNames();
    lab.store.removeVm(lab.store.vmByName(SEED.stopped), true);
    host.setRestoreDelay(30);
    try {
      const child = spawn(process.execPath, [CLI, 'manager-restore', name, '--yes', '--workspace', ws], {
        env: { ...cliBaseEnv(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          seen += d.toString();
          if (seen.includes('INFO: Restoring the backup...')) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.once('exit', () => reject(new Error(`exited before the restore: ${seen}`)));
      });
      await new Promise((r) => child.once('exit', r));
    } finally {
      host.setRestoreDelay(0);
    }
    const repo = path.join(ws, 'backups');
    const killed = listRunbookStates(repo).pop()!;
    assert.equal(killed.status, 'running');
    assert.equal(killed.steps.find((s) => s.id === 'restore-database')?.status, 'running');
    const r = await runCli(['manager-restore', name, '--resume', '--yes'], { ws, env });
    assert.match(r.stderr, /interrupted while running/);
    const done = listRunbookStates(repo).find((s) => s.id === killed.id)!;
    assert.equal(done.status, 'done');
    assert.equal(done.steps.find((s) => s.id === 'restore-database')?.attempts, 2);
    assert.equal(done.steps.find((s) => s.id === 'stop-services')?.attempts, 1);
    assert.deepEqual(vmNames(), backedUp);
  });

  it('manager-backup killed (SIGKILL) while it copies a database backup: cleanup --dry-run names what the journal names, cleanup removes exactly that; DBBACKUP on the host untouched', async () => {
    const { name, big, onHost, repo, managerDir, folders, kept, folder } = await killedManagerBackup(120);
    const left = filesUnder(path.join(managerDir, folder));
    assert.ok(left.includes('config/.config') && left.some((l) => l.endsWith('big.ibd.part')), left.join(', '));
    const dry = await startCli(ws, ['cleanup', '--dry-run'], PASSWORD).exited;
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete: file .*big\.ibd\.part/m);
    assert.match(dry.stdout, /^would delete: file .*config\/\.config /m);
    assert.deepEqual(filesUnder(path.join(managerDir, folder)), left, 'a dry run deletes nothing');
    const real = await startCli(ws, ['cleanup'], PASSWORD).exited;
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^deleted: folder .*-ovm-manager /m);
    assert.deepEqual(folders(), kept, 'the killed job’s folder is gone, earlier backups stay');
    assert.deepEqual(repositoryLeftovers(repo), []);
    assert.deepEqual(filesUnder(path.join(host.dbbackup, name)), onHost, 'the Manager host’s backup untouched');
    fs.rmSync(big);
  });

  it('manager-backup killed (SIGKILL) in a folder that also holds files it did not make: cleanup (and --dry-run) removes only its own files and its .part, keeps the folder and the others, and says which and why', async () => {
    const { name, big, managerDir, folder } = await killedManagerBackup(90);
    const dir = path.join(managerDir, folder);
    // Someone else's files: a note at the top, a copy and a download of their own beside the job's files.
    const foreign = ['NOTES.txt', `dbbackup/${name}/datadir/user-copy.ibd`, `dbbackup/${name}/datadir/other.part`];
    for (const f of foreign) fs.writeFileSync(path.join(dir, ...f.split('/')), "not the tool's");
    const left = filesUnder(dir);
    const dry = await startCli(ws, ['cleanup', '--dry-run'], PASSWORD).exited;
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete: file .*big\.ibd\.part /m);
    assert.match(dry.stdout, /^would delete: file .*config\/\.config /m);
    const keptLine = new RegExp(
      `^kept: folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} — .*kept as not the tool's: NOTES\\.txt, dbbackup/${name}/datadir/other\\.part, dbbackup/${name}/datadir/user-copy\\.ibd$`,
      'm',
    );
    assert.match(dry.stdout, keptLine);
    assert.doesNotMatch(dry.stdout, /would delete: .*(NOTES|user-copy|other\.part)/);
    assert.deepEqual(filesUnder(dir), left, 'a dry run deletes nothing');
    const real = await startCli(ws, ['cleanup'], PASSWORD).exited;
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^deleted: file .*big\.ibd\.part /m);
    assert.match(real.stdout, keptLine);
    assert.deepEqual(filesUnder(dir), [...foreign].sort(), 'only the foreign files are left, in their folders');
    const again = await startCli(ws, ['cleanup', '--dry-run'], PASSWORD).exited;
    assert.doesNotMatch(again.stdout, new RegExp(folder), "the entry is settled: nothing more is the tool's there");
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(big);
  });

  it('a hostile backup name is refused before anything is contacted', async () => {
    const err = await runCli(['manager-restore', 'ManualBackup-$(id)'], { ws, env }).then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    assert.match(err!.stderr, /is not a Manager database backup name/);
  });
});
