// The Oracle VM Manager's own backup and restore (guide §12.1) over real SSH (test/peers/openssh + ovmm-tools stubs)
// and the REST lab (test/lab/ovm): .config and database backups into the repository, the DBBACKUP listing, a manual
// BackupDatabase -w followed as its Manager job, and the §12.1.4 restore runbook, interrupted at each step and resumed.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvmLab, SEED, startOvmLab } from '../lab/ovm';
import { SshdPeer, startSshdPeer } from '../peers/openssh/sshdPeer';
import { OvmmHost, installOvmmTools } from '../peers/ovmm-tools/ovmmTools';
import { SshSession } from '../../src/transport/ssh';
import { OvmClient } from '../../src/providers/oraclevm/ovmClient';
import { ManagerLayout } from '../../src/providers/oraclevm/manager/managerHost';
import { listDbBackups } from '../../src/providers/oraclevm/manager/dbBackups';
import { runManualBackup } from '../../src/providers/oraclevm/manager/manualBackup';
import { backupManager } from '../../src/providers/oraclevm/manager/managerBackup';
import { managerRestoreRunbook } from '../../src/providers/oraclevm/manager/restoreRunbook';
import { RunbookError, RunbookHost, listRunbookStates, runRunbook } from '../../src/core/runbook';
import { BackupRepository } from '../../src/core/repository';
import { CancelledError } from '../../src/core/errors';
import { JobContext } from '../../src/core/job';
import { VmObj } from '../lab/ovm/model';
import { tempDir } from '../tempDir';

const PASSWORD = 'Mgr-pw-7c1f$';

describe('Oracle VM Manager backup and restore over SSH and REST', function () {
  this.timeout(240_000);
  let lab: OvmLab;
  let peer: SshdPeer;
  let host: OvmmHost;
  let ssh: SshSession;
  let client: OvmClient;
  let layout: ManagerLayout;
  let repo: string;
  const logs: string[] = [];
  const ctx = (): JobContext & { output: (t: string) => void } => ({
    signal: new AbortController().signal,
    log: (l) => logs.push(l),
    progress: () => undefined,
    output: (t) => logs.push(t),
  });
  const vmNames = () => (lab.store.all('Vm') as VmObj[]).map((v) => v.name).sort();
  const yes = (out: string[], onStep?: RunbookHost['onStep']): RunbookHost => ({
    confirm: async () => true,
    output: (t) => out.push(t),
    onStep,
  });

  before(async () => {
    lab = await startOvmLab({ password: PASSWORD, jobStepMs: 20 });
    peer = await startSshdPeer();
    host = await installOvmmTools(peer, lab, { password: PASSWORD, startingMs: 300 });
    ssh = await SshSession.connect({
      label: 'ovm',
      host: peer.host,
      port: peer.port,
      username: peer.user,
      privateKey: peer.privateKey,
      hostKey: peer.hostKeyFingerprint,
    });
    client = new OvmClient({
      url: lab.url,
      username: 'admin',
      password: PASSWORD,
      thumbprint: lab.thumbprint,
      pollMs: 30,
    });
    layout = new ManagerLayout(host.settings);
  });
  beforeEach(() => {
    repo = tempDir('vmbk-ovmm-');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));
  after(async () => {
    await ssh?.close();
    await host?.close();
    await peer?.stop();
    await lab?.close();
  });

  it('lists DBBACKUP (path from /etc/sysconfig/ovmm) with ages; hostile names are refused, shown escaped', async () => {
    const auto = host.addAutoBackup(3 * 86400);
    fs.mkdirSync(path.join(host.dbbackup, 'AutoFullBackup-$(touch pwned)'));
    fs.mkdirSync(path.join(host.dbbackup, 'ManualBackup-a\nb'));
    fs.mkdirSync(path.join(host.dbbackup, "ManualBackup-x';rm -rf ~'"));
    fs.mkdirSync(path.join(host.dbbackup, '-rf'));
    try {
      const l = await listDbBackups(ssh, layout);
      assert.equal(l.settings.directory, host.dbbackup);
      assert.equal(l.settings.directoryFrom, 'sysconfig');
      assert.equal(l.settings.tool, '/opt/mysql/meb-4.1/bin/mysqlbackup');
      const b = l.backups.find((x) => x.name === auto);
      assert.ok(b, JSON.stringify(l));
      assert.equal(b.kind, 'auto');
      assert.ok(b.ageSeconds >= 3 * 86400 - 5 && b.ageSeconds < 3 * 86400 + 600, String(b.ageSeconds));
      assert.deepEqual(
        l.refused.sort(),
        ['AutoFullBackup-$(touch pwned)', 'ManualBackup-a\\u000ab', "ManualBackup-x';rm -rf ~'"].sort(),
      );
      assert.ok(!l.backups.some((x) => x.name === '-rf'));
      assert.match(l.notes.join('\n'), /newest automatic backup is 3 d 0 h old/);
      assert.match(l.settings.rotation, /stored in the Manager database/);
    } finally {
      for (const n of ['AutoFullBackup-$(touch pwned)', 'ManualBackup-a\nb', "ManualBackup-x';rm -rf ~'", '-rf'])
        fs.rmdirSync(path.join(host.dbbackup, n));
    }
  });

  it("a backup's age and order come from the time in its name: a restored backup (its directory written since) is not the newest", async () => {
    const old = host.addAutoBackup(3 * 86400);
    const newer = host.addAutoBackup(86400);
    // RestoreDatabase.sh writes Restore.log into the backup it restores: the directory's time is now
    fs.writeFileSync(path.join(host.dbbackup, old, 'Restore.log'), 'restored\n');
    fs.utimesSync(path.join(host.dbbackup, old), new Date(), new Date());
    try {
      const l = await listDbBackups(ssh, layout);
      const names = l.backups.map((b) => b.name);
      assert.ok(names.indexOf(old) < names.indexOf(newer), names.join(', '));
      const b = l.backups.find((x) => x.name === old)!;
      assert.equal(b.takenFrom, 'name');
      assert.ok(b.ageSeconds >= 3 * 86400 - 5 && b.ageSeconds < 3 * 86400 + 600, String(b.ageSeconds));
      assert.equal(l.backups[l.backups.length - 1].name === old, false, 'not the newest');
    } finally {
      fs.rmSync(path.join(host.dbbackup, old), { recursive: true, force: true });
      fs.rmSync(path.join(host.dbbackup, newer), { recursive: true, force: true });
    }
  });

  it('BackupDatabase -w: credentials on its stdin only, its Manager job followed over REST to SUCCESS', async () => {
    const before = host.log().length;
    const out: string[] = [];
    const r = await runManualBackup(
      ssh,
      layout,
      client,
      { username: 'admin', password: PASSWORD },
      {
        ...ctx(),
        output: (t) => out.push(t),
      },
    );
    assert.match(r.name ?? '', /^ManualBackup-\d{8}_\d{6}_\d+$/);
    assert.equal(r.job?.jobRunState, 'SUCCESS');
    assert.equal(r.job?.name, 'Start Backup to: ManualBackup');
    assert.match(out.join(''), /INFO: {2}Backup job starting with destination:/);
    assert.match(r.output, /INFO: {2}Backup job finished/);
    assert.ok(fs.existsSync(path.join(host.dbbackup, r.name!, 'datadir/ovm-lab-state.json')));
    const calls = host.log().slice(before);
    assert.deepEqual(
      calls.map((c) => [c.tool, c.argv]),
      [['BackupDatabase', ['-w']]],
    );
    for (const c of host.log()) assert.ok(!c.cmdline.includes(PASSWORD) && !JSON.stringify(c.argv).includes(PASSWORD));
    assert.ok(!peer.log().includes(PASSWORD));
  });

  it('a wrong Manager password: BackupDatabase fails with its own message, the password nowhere in it', async () => {
    const err = await runManualBackup(ssh, layout, client, { username: 'admin', password: 'wrong-pw-123' }, ctx()).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err);
    assert.match(err.message, /ERROR: Invalid username or password/);
    // the program's output as lines under the message, each escaped (not `\u000a` inside one line)
    assert.match(err.message, /BackupDatabase -w exited with 1:\n {2}\S/);
    assert.ok(!/\\u000a|\\x0a/.test(err.message), err.message);
    assert.ok(!err.message.includes('wrong-pw-123'));
  });

  it('manager backup: .config, sysconfig, a database backup and the WebLogic LDAP data with sha256 in a manifest', async () => {
    const manual = await runManualBackup(ssh, layout, client, { username: 'admin', password: PASSWORD }, ctx());
    const e = await backupManager(
      ssh,
      layout,
      { repository: repo, connection: 'ovm', databaseBackups: [manual.name!], weblogicLdap: true },
      ctx(),
    );
    assert.equal(e.kind, 'ovm-manager');
    const names = e.manifest!.files.map((f) => f.name).sort();
    assert.ok(names.includes('config/.config'));
    assert.ok(names.includes('config/ovmm'));
    assert.ok(names.includes(`dbbackup/${manual.name}/datadir/ovm-lab-state.json`), names.join());
    assert.ok(names.includes(`dbbackup/${manual.name}/meta/backup_variables.txt`));
    assert.ok(names.includes('weblogic-ldap/ldapfiles/EmbeddedLDAP.data'));
    assert.equal(e.manifest!.ovmManager?.uuid, '0004fb00000100002cb7f2dffa8d8a11');
    assert.deepEqual(e.manifest!.ovmManager?.databaseBackups, [manual.name]);
    for (const f of e.manifest!.files) {
      const remote =
        f.name === 'config/.config'
          ? path.join(host.oracleHome, 'ovm-manager-3/.config')
          : f.name === 'config/ovmm'
            ? host.settings.sysconfig!
            : f.name.startsWith('dbbackup/')
              ? path.join(host.dbbackup, f.name.slice('dbbackup/'.length))
              : path.join(
                  host.oracleHome,
                  'ovm-manager-3/domains/ovm_domain/servers/AdminServer/data/ldap',
                  f.name.slice('weblogic-ldap/'.length),
                );
      assert.equal(f.sha256, createHash('sha256').update(fs.readFileSync(remote)).digest('hex'), f.name);
    }
    assert.deepEqual(await new BackupRepository(repo).verify(e), { ok: true, problems: [] });
    assert.ok(!fs.existsSync(path.join(repo, '.vmbackup', 'journal')), 'journal entry completed');
  });

  it('manager backup refuses a hostile or unknown database backup name before writing anything', async () => {
    for (const bad of ['../../etc', 'ManualBackup-x; rm -rf /', '-rf', 'ManualBackup-a\nb', 'ManualBackup-nosuch_1']) {
      await assert.rejects(
        backupManager(ssh, layout, { repository: repo, connection: 'ovm', databaseBackups: [bad] }, ctx()),
        /not a Manager database backup name|no database backup/,
      );
    }
    assert.deepEqual(fs.readdirSync(repo), []);
  });

  it('restore runbook end to end (§12.1.4): services stopped, RestoreDatabase.sh, STARTING → RUNNING, the inventory back', async () => {
    const manual = await runManualBackup(ssh, layout, client, { username: 'admin', password: PASSWORD }, ctx());
    const backedUp = vmNames();
    lab.store.removeVm(lab.store.vmByName(SEED.stopped), true);
    assert.notDeepEqual(vmNames(), backedUp);
    const out: string[] = [];
    const asked: string[] = [];
    // The Manager stays STARTING until the runbook says it waits (no timing): then the test lets it run.
    host.setStartingMs(600_000);
    const state = await runRunbook(
      managerRestoreRunbook(),
      { ssh, layout, client, backup: manual.name! },
      {
        confirm: async (s) => (asked.push(s.id), true),
        output: (t) => {
          out.push(t);
          if (t.includes('is STARTING: waiting')) lab.setManagerState('RUNNING');
        },
      },
      { repository: repo, subject: `ovm ${manual.name}`, params: { backup: manual.name! } },
    ).finally(() => host.setStartingMs(300));
    assert.equal(state.status, 'done');
    assert.deepEqual(asked, ['stop-services', 'restore-database']);
    assert.deepEqual(vmNames(), backedUp);
    const text = out.join('');
    assert.match(text, /Are you sure it is safe to delete these directories\/files now\? \[y,n\]/);
    assert.match(text, /INFO: Success - Done!/);
    assert.match(text, /Oracle VM Manager is STARTING: waiting until it is RUNNING\n/);
    assert.match(text, /Oracle VM Manager is RUNNING/);
    const calls = host.log().map((c) => `${c.tool} ${c.argv.join(' ')}`);
    const seq = calls.slice(calls.lastIndexOf('service ovmcli stop'));
    assert.deepEqual(
      seq.filter((c) => !c.endsWith(' status')),
      [
        'service ovmcli stop',
        'service ovmm stop',
        'service ovmm_mysql stop',
        `RestoreDatabase.sh ${manual.name}`,
        'service ovmm_mysql start',
        'service ovmm start',
        'service ovmcli start',
      ],
    );
    const saved = listRunbookStates(repo);
    assert.equal(saved.length, 1);
    assert.deepEqual(
      saved[0].steps.map((s) => s.status),
      saved[0].steps.map(() => 'done'),
    );
  });

  it('a restore interrupted at each step resumes where it stopped and ends with the inventory back', async () => {
    const manual = await runManualBackup(ssh, layout, client, { username: 'admin', password: PASSWORD }, ctx());
    const backedUp = vmNames();
    const book = managerRestoreRunbook();
    for (let k = 0; k < book.steps.length; k++) {
      const victim = (lab.store.all('Vm') as VmObj[])[0];
      lab.store.removeVm(victim, true);
      const controller = new AbortController();
      const out: string[] = [];
      const opts = { repository: repo, subject: `ovm ${manual.name}`, params: { backup: manual.name! } };
      const ctxR = { ssh, layout, client, backup: manual.name! };
      // cancelled as step k starts; the atomic one (RestoreDatabase.sh) while its program runs
      const host: RunbookHost = yes(out, (s, i) => {
        if (i === k && s.status === 'running' && !book.steps[k].atomic) controller.abort();
      });
      const output = host.output;
      host.output = (t) => {
        output(t);
        if (book.steps[k].atomic && t.includes('Are you sure')) controller.abort();
      };
      await assert.rejects(
        runRunbook(book, ctxR, host, { ...opts, signal: controller.signal }),
        CancelledError,
        `step ${k}`,
      );
      const stopped = listRunbookStates(repo).pop()!;
      assert.equal(stopped.status, 'cancelled');
      // RestoreDatabase.sh (atomic) is not interrupted once started: it ends, is recorded done, and the run stops after it
      const at = book.steps[k].atomic ? k + 1 : k;
      if (at !== k)
        assert.match(out.join(''), /cancel asked: "Restore the database with RestoreDatabase\.sh" is not interrupted/);
      assert.equal(stopped.steps[at].status, 'cancelled', `step ${k}: ${JSON.stringify(stopped.steps)}`);
      assert.ok(stopped.steps.slice(0, at).every((s) => s.status === 'done'));
      // A new run is refused while this one is unfinished; the resume skips what was done.
      await assert.rejects(runRunbook(book, ctxR, yes([]), opts), /unfinished run .* resume it, or abandon it/);
      const resumedOut: string[] = [];
      const done = await runRunbook(book, ctxR, yes(resumedOut), { ...opts, resume: true });
      assert.equal(done.status, 'done');
      assert.equal(done.id, stopped.id);
      for (let j = 0; j < at; j++) assert.equal(done.steps[j].attempts, 1, `step ${j} ran once (interrupted at ${k})`);
      assert.match(resumedOut.join(''), k ? /done before/ : /step 1\/7/);
      assert.deepEqual(vmNames(), backedUp, `inventory back after an interruption at step ${k}`);
      fs.rmSync(path.join(repo, '.vmbackup'), { recursive: true });
    }
  });

  it('a backup of another Manager version is refused by RestoreDatabase.sh, its message verbatim; the run resumes once fixed', async () => {
    const old = host.addAutoBackup(600, '3.4.4.1709');
    const out: string[] = [];
    const opts = { repository: repo, subject: `ovm ${old}`, params: { backup: old } };
    const err = await runRunbook(managerRestoreRunbook(), { ssh, layout, client, backup: old }, yes(out), opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RunbookError, String(err));
    assert.ok(
      err.message.includes(
        `WARNING: The backup ${old} was taken from OVM Manager version 3.4.4.1709, this is version 3.4.6.2105.`,
      ),
      err.message,
    );
    assert.ok(err.message.includes('WARNING: Use --skipversionchecks to bypass this check.'));
    assert.equal(err.state.steps.find((s) => s.id === 'restore-database')?.status, 'failed');
    // The services stay stopped: the Manager is down until the operator decides. Same version installed → resume.
    host.setInstalledVersion('3.4.4.1709');
    try {
      const done = await runRunbook(managerRestoreRunbook(), { ssh, layout, client, backup: old }, yes([]), {
        ...opts,
        resume: true,
      });
      assert.equal(done.status, 'done');
    } finally {
      host.setInstalledVersion('3.4.6.2105');
    }
  });

  it('a declined destructive step does nothing and is resumable; a hostile backup name fails the first step', async () => {
    const names = vmNames();
    const declined = await runRunbook(
      managerRestoreRunbook(),
      { ssh, layout, client, backup: host.addAutoBackup(60) },
      { confirm: async () => false, output: () => undefined },
      { repository: repo, subject: 'ovm x', params: {} },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(declined instanceof RunbookError);
    assert.equal(declined.state.status, 'declined');
    assert.equal((await lab.store.manager()).managerRunState, 'RUNNING');
    assert.deepEqual(vmNames(), names);
    const hostile = await runRunbook(
      managerRestoreRunbook(),
      { ssh, layout, client, backup: 'ManualBackup-$(id)' },
      yes([]),
      { repository: repo, subject: 'ovm y', params: {} },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(hostile instanceof RunbookError);
    assert.match(hostile.message, /is not a Manager database backup name/);
    assert.equal(hostile.state.steps[1].status, 'pending');
  });
});
