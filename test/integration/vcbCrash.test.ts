// vcb-* jobs killed with SIGKILL (the CLI in a child process, test/integration/crashRun.ts) at several points: what
// they left on the VCB host (their staging folder) and in the repository is named by the journal, listed by a dry run,
// and removed by `vmbackup vcb-cleanup`, the generic `vmbackup cleanup` or the next run — and nothing else is.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { Journal } from '../../src/core/journal';
import { BackupRepository } from '../../src/core/repository';
import { STAGING_PREFIX } from '../../src/providers/vcb/vcbStaging';
import { runCli } from './cliRun';
import { incompleteStored, killWhen, partFiles, repositoryLeftovers, startCli } from './crashRun';
import { filesBelow } from './filesBelow';
import { VCSIM_PASSWORD } from './vmwareFixture';
import { VcbFixture, processesOf, startVcbFixture, stopVcbFixture } from './vcbFixture';
import { tempDir } from '../tempDir';

const VM = 'DC0_H0_VM0';

/** Bytes of the files below `dir` (0 when it is gone). */
function bytesBelow(dir: string): number {
  return filesBelow(dir).reduce(
    (n, f) => n + (fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
}

describe('vcb-* jobs killed with SIGKILL: Clean Up or the next run removes their staging folders (VCB lab, CLI)', function () {
  this.timeout(600_000);
  let f: VcbFixture;
  let ws: string;
  let repo: string;
  let staging: string;
  const env = { VMBACKUP_PASSWORD: VCSIM_PASSWORD };
  const vmb = (args: string[]) => runCli(args, { ws, env });
  const cli = (args: string[]) => startCli(ws, args, VCSIM_PASSWORD);
  const stagedFolders = () => fs.readdirSync(staging).filter((n) => n.startsWith(STAGING_PREFIX));
  /** Waits until the peer user runs no VCB tool (a killed client's tool may finish on its own). */
  const toolsEnded = async () => {
    for (let i = 0; i < 600 && processesOf(f.lab.peer.user).some((c) => /vcb[A-Z]\w+\.js/.test(c)); i++)
      await new Promise((r) => setTimeout(r, 100));
  };

  before(async () => {
    f = await startVcbFixture({ extentBytes: 4 * 1024 * 1024 });
    staging = f.host.stagingDir!;
    ws = tempDir('vmbk-vcb-crash-');
    repo = path.join(ws, 'backups');
    const key = path.join(ws, 'id_vcb');
    fs.writeFileSync(key, f.lab.peer.privateKey, { mode: 0o600 });
    fs.mkdirSync(path.join(ws, '.vmbackup'));
    const profile = { ...f.profile, repository: 'backups', vcbHosts: [{ ...f.host, privateKeyFile: key }] };
    fs.writeFileSync(path.join(ws, '.vmbackup', 'connections.yaml'), stringify({ connections: [profile] }));
    fs.writeFileSync(path.join(await f.dsDir(), VM, 'disk1.vmdk'), randomBytes(48 * 1024 * 1024));
  });
  after(async () => {
    await stopVcbFixture(f);
    fs.rmSync(ws, { recursive: true, force: true });
  });
  afterEach(() => f.lab.writeConf({ delayMsPerMiB: 0 }));

  it('killed mid-pull at a random offset: the next vcb-backup removes the staging folder and the .part first', async () => {
    const at = randomInt(1 << 20, 40 << 20);
    const run = cli(['vcb-backup', VM]);
    const killed = await killWhen(run, () => bytesBelow(repo) >= at && partFiles(repo).length > 0);
    assert.ok(killed, `the CLI was killed mid-pull (it ended: ${(await run.exited).stderr})`);
    assert.equal(stagedFolders().length, 1, 'the staging folder is left by the kill');
    assert.ok(partFiles(repo).length > 0, 'a .part is left by the kill');

    const { stdout } = await vmb(['vcb-backup', VM, '--json']);
    const made = JSON.parse(stdout) as { localDir: string };
    assert.deepEqual(stagedFolders(), [], "the killed run's staging folder and this run's are gone");
    assert.deepEqual(repositoryLeftovers(repo), []);
    assert.deepEqual(await incompleteStored(repo), []);
    assert.deepEqual(
      new BackupRepository(repo).list().map((e) => e.dir),
      [made.localDir],
    );
  });

  it('killed while vcbMounter exports: vcb-cleanup --dry-run lists the staging folder, vcb-cleanup removes it and the snapshot', async () => {
    f.lab.writeConf({ delayMsPerMiB: 100 }); // about 5 s for the disk
    const run = cli(['vcb-backup', VM]);
    const killed = await killWhen(run, () =>
      stagedFolders().some((n) => bytesBelow(path.join(staging, n, 'export')) > 0),
    );
    assert.ok(killed, `the CLI was killed during the export (it ended: ${(await run.exited).stderr})`);
    await toolsEnded(); // the orphaned vcbMounter's own end (the guide's tools are not told the client went away)
    const [left] = stagedFolders();
    assert.ok(left, 'the staging folder is left by the kill');

    const { stdout: dry } = await vmb(['vcb-cleanup', '--dry-run']);
    assert.match(dry, new RegExp(`^would delete: folder ${staging}/${left} on VCB host `, 'm'));
    assert.deepEqual(stagedFolders(), [left], 'a dry run deletes nothing');

    const { stdout } = await vmb(['vcb-cleanup']);
    assert.match(stdout, new RegExp(`^deleted: folder ${staging}/${left} on VCB host `, 'm'));
    assert.deepEqual(stagedFolders(), []);
    assert.deepEqual(await f.snapshotNames(VM), [], 'no _VCB_BACKUP_ left');
    assert.deepEqual(repositoryLeftovers(repo), []);
  });

  it('killed as soon as the journal names the staging folder (before or just after its mkdir): cleanup leaves nothing', async () => {
    const run = cli(['vcb-backup', VM]);
    const killed = await killWhen(run, () => new Journal(repo).list().entries.length > 0);
    assert.ok(killed, `the CLI was killed (it ended: ${(await run.exited).stderr})`);
    await toolsEnded();
    await vmb(['cleanup']);
    assert.deepEqual(stagedFolders(), []);
    assert.deepEqual(repositoryLeftovers(repo), []);
    await toolsEnded();
    await vmb(['vcb-cleanup']); // the snapshot of a vcbMounter that may have started
    assert.deepEqual(await f.snapshotNames(VM), []);
  });

  it('killed while vcb-restore --catalog holds its catalog copy on the VCB host: vcb-cleanup removes that copy, and no copy or folder it did not make', async () => {
    const dir = path.join(f.lab.backups, 'for-catalog-copy');
    await vmb(['vcb-backup', VM, '--to', dir]);
    const edited = path.join(ws, 'catalog-edited');
    fs.writeFileSync(edited, fs.readFileSync(path.join(dir, 'catalog'), 'utf8'));
    const holdsCopy = (n: string) => {
      try {
        return fs.readdirSync(path.join(staging, n)).some((x) => x.startsWith('catalog-'));
      } catch {
        return false; // gone meanwhile
      }
    };
    const run = cli(['vcb-restore', dir, '--catalog', edited, '-b', 'keep']);
    const killed = await killWhen(run, () => stagedFolders().some(holdsCopy));
    assert.ok(killed, `the CLI was killed with its catalog copy on the host (it ended: ${(await run.exited).stderr})`);
    await toolsEnded();
    const [left] = stagedFolders();
    assert.ok(left && holdsCopy(left), 'the catalog copy is left by the kill, in its staging folder');
    // What the user made by hand (the guide's `cp <dir>/catalog /tmp/catalog-vm37`), and a folder of the same prefix
    // that no journal entry names: never removed.
    const mine = path.join(staging, 'catalog-mine');
    fs.writeFileSync(mine, fs.readFileSync(edited));
    const notOurs = path.join(staging, `${STAGING_PREFIX}not-ours`);
    fs.mkdirSync(notOurs);
    fs.writeFileSync(path.join(notOurs, 'catalog-theirs'), 'x');
    execFileSync('chown', ['-R', f.lab.peer.user, mine, notOurs]);

    const { stdout: dry } = await vmb(['vcb-cleanup', '--dry-run']);
    assert.match(dry, new RegExp(`^would delete: folder ${staging}/${left} on VCB host `, 'm'));
    const { stdout } = await vmb(['vcb-cleanup']);
    assert.match(stdout, new RegExp(`^deleted: folder ${staging}/${left} on VCB host `, 'm'));
    assert.deepEqual(stagedFolders(), [`${STAGING_PREFIX}not-ours`], 'a folder no journal entry names stays');
    assert.ok(fs.existsSync(path.join(notOurs, 'catalog-theirs')) && fs.existsSync(mine), "the user's copies stay");
    assert.deepEqual(new Journal(repo).list().entries, [], 'the journal entry is completed');
    fs.rmSync(notOurs, { recursive: true });
    fs.rmSync(mine);
  });

  it('killed mid-upload of vcb-restore --from-repository: the generic cleanup removes the staging folder; no VM changed', async () => {
    const [backup] = new BackupRepository(repo).list();
    const before = (await f.inventory()).vms.map((v) => `${v.id} ${v.name}`).sort();
    const at = randomInt(1 << 20, 40 << 20);
    const run = cli(['vcb-restore', '--from-repository', backup.id, '-b', 'overwrite']);
    const killed = await killWhen(run, () => bytesBelow(staging) >= at && partFiles(staging).length > 0);
    assert.ok(killed, `the CLI was killed mid-upload (it ended: ${(await run.exited).stderr})`);
    const [left] = stagedFolders();
    assert.ok(left, 'the staging folder is left by the kill');
    const user = path.join(staging, `${STAGING_PREFIX}not-ours`);
    fs.mkdirSync(user);
    execFileSync('chown', [f.lab.peer.user, user]);

    const { stdout } = await vmb(['cleanup']);
    assert.match(stdout, new RegExp(`^deleted: folder ${staging}/${left} on VCB host `, 'm'));
    assert.deepEqual(stagedFolders(), [`${STAGING_PREFIX}not-ours`], 'a folder no journal entry names stays');
    fs.rmdirSync(user);
    assert.deepEqual(repositoryLeftovers(repo), []);
    assert.ok((await new BackupRepository(repo).verify(backup)).ok, 'the backup itself is untouched');
    assert.deepEqual((await f.inventory()).vms.map((v) => `${v.id} ${v.name}`).sort(), before, 'no VM registered');

    await vmb(['vcb-restore', '--from-repository', backup.id, '-b', 'overwrite']);
    assert.deepEqual(stagedFolders(), []);
  });
});
