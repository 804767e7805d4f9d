// `vmbackup manager-backups | manager-backup | manager-restore | manager-rebuild`: the Oracle VM Manager's own backup
// and restore (guide §12.1) from a shell.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Args } from './args';
import { connectionProfile, prompt, terminalContext } from './session';
import { printable, printableLines, shown } from './printable';
import { passwordEnvName, passwordFromEnv } from '../core/connections';
import { ConnectionProfile } from '../core/model';
import { BackupRepository } from '../core/repository';
import { isCancel } from '../core/errors';
import {
  RunbookError,
  RunbookHost,
  RunbookState,
  UnfinishedRunError,
  describeRun,
  runRunbook,
  unfinishedRun,
} from '../core/runbook';
import { ManagerSession, openManagerSession } from '../providers/oraclevm/manager/managerSession';
import { formatAge, listDbBackups } from '../providers/oraclevm/manager/dbBackups';
import { describeRotation, readDbBackupRotation } from '../providers/oraclevm/manager/dbBackupRotation';
import { runManualBackup } from '../providers/oraclevm/manager/manualBackup';
import { backupManager, configIdentity } from '../providers/oraclevm/manager/managerBackup';
import { MANAGER_RESTORE, managerRestoreRunbook } from '../providers/oraclevm/manager/restoreRunbook';
import { managerRebuildRunbook } from '../providers/oraclevm/manager/rebuildRunbook';
import { requireDbBackupName } from '../providers/oraclevm/manager/dbBackupName';
import { tableLines } from './table';
import { endStatusLines } from './statusLine';
import { findBackupEntry } from './backupId';

type Out = (data: unknown, text: string) => void;

/** VMBACKUP_SSH_PASSWORD_<NAME>, else VMBACKUP_SSH_PASSWORD. */
export function sshPasswordEnvName(name: string): string {
  return passwordEnvName(name).replace(/^VMBACKUP_PASSWORD_/, 'VMBACKUP_SSH_PASSWORD_');
}

async function open(a: Args, workspace: string): Promise<ManagerSession> {
  const profile = connectionProfile(workspace, typeof a.flags.connection === 'string' ? a.flags.connection : undefined);
  const password =
    passwordFromEnv(profile.name) ??
    (await prompt(printable(`Password for ${profile.username} on ${profile.name}: `), passwordEnvName(profile.name)));
  const keyFile = profile.managerHost?.privateKeyFile;
  return openManagerSession(profile, {
    password,
    privateKey: keyFile ? fs.readFileSync(path.resolve(workspace, keyFile)) : undefined,
    sshPassword: process.env[sshPasswordEnvName(profile.name)] ?? process.env.VMBACKUP_SSH_PASSWORD,
  });
}

async function withSession<T>(a: Args, workspace: string, fn: (s: ManagerSession) => Promise<T>): Promise<T> {
  const s = await open(a, workspace);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/**
 * Confirmations on the terminal (y/N on stderr); without a terminal `--yes` answers destructive steps and anything
 * else is refused at once (no stdin in CI: never waits). Manual steps need a person: a terminal or VS Code.
 */
function cliHost(yes: boolean, quiet: boolean): RunbookHost {
  return {
    output: (t) => {
      if (quiet) return;
      endStatusLines();
      process.stderr.write(printableLines(t));
    },
    confirm: async (step) => {
      if (yes && !step.manual) return true;
      if (!process.stdin.isTTY)
        throw new Error(
          step.manual
            ? `"${step.title}" is done by hand (${step.warning ?? ''}): run this on a terminal, or in VS Code, to confirm it`
            : `"${step.title}" needs a confirmation (${step.warning ?? 'destructive'}): run on a terminal, or add --yes`,
        );
      endStatusLines();
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
      try {
        const q = `\n${printable(step.title)}\n${printable(step.warning ?? '')}\n${step.manual ? 'Done? [y/N] ' : 'Go ahead? [y/N] '}`;
        const answer = await new Promise<string>((resolve) => rl.question(q, resolve));
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}

function repository(a: Args, workspace: string, profile?: ConnectionProfile): string {
  return path.resolve(workspace, String(a.flags.repository ?? profile?.repository ?? 'backups'));
}

/** `manager-backups`: DBBACKUP's backups with their ages, where DBBACKUP is, the rotation rules and settings. */
export async function managerBackupsVerb(a: Args, out: Out, workspace: string): Promise<number> {
  return withSession(a, workspace, async (s) => {
    const rotation = await readDbBackupRotation(s);
    const l = await listDbBackups(s.ssh, s.layout, undefined, Date.now(), rotation.intervalMinutes);
    out(
      { ...l, rotationSettings: rotation },
      [
        `DBBACKUP ${l.settings.directory} (${l.settings.directoryFrom === 'sysconfig' ? s.layout.sysconfig : 'default'})`,
        ...tableLines(l.backups.map((b) => [b.name, b.kind, `${formatAge(b.ageSeconds)} old`, b.taken.toISOString()])),
        ...l.refused.map((r) => `refused (not a valid backup name): ${r}`),
        `rotation: ${l.settings.rotation}`,
        `rotation settings: ${describeRotation(rotation)}`,
        ...l.notes.map((n) => `note: ${n}`),
      ]
        .map(printable)
        .join('\n'),
    );
    return 0;
  });
}

/**
 * `manager-backup [--run-backup] [--db NAME[,NAME…]] [--latest] [--weblogic-ldap]`: .config (and sysconfig) into the
 * repository, with the database backups named (or the newest, or the one --run-backup just made).
 */
export async function managerBackupVerb(a: Args, out: Out, workspace: string): Promise<number> {
  return withSession(a, workspace, async (s) => {
    const ctx = terminalContext(!!a.flags.json, 'Manager backup');
    const names = typeof a.flags.db === 'string' ? a.flags.db.split(',').filter(Boolean) : [];
    if (a.flags['run-backup']) {
      const r = await runManualBackup(s.ssh, s.layout, s.client, s.managerCredentials(), {
        ...ctx,
        output: (t) => {
          if (a.flags.json) return;
          endStatusLines();
          process.stderr.write(printableLines(t));
        },
      });
      if (r.name) names.push(r.name);
    }
    if (a.flags.latest) {
      const newest = (await listDbBackups(s.ssh, s.layout, ctx.signal)).backups.pop();
      if (!newest) throw new Error(`no database backup in DBBACKUP on ${s.ssh.where}`);
      if (!names.includes(newest.name)) names.push(newest.name);
    }
    const e = await backupManager(
      s.ssh,
      s.layout,
      {
        repository: repository(a, workspace, s.profile),
        connection: s.profile.name,
        databaseBackups: names,
        weblogicLdap: !!a.flags['weblogic-ldap'],
      },
      ctx,
    );
    out(
      e,
      shown`Manager backup saved to ${e.dir} (${e.files.length} files${names.length ? `; database: ${names.join(', ')}` : ''})`,
    );
    return 0;
  });
}

/** `manager-restore <backup> [--resume] [--yes] [--skip-version-checks]`: the §12.1.4 runbook. */
export async function managerRestoreVerb(a: Args, out: Out, workspace: string): Promise<number> {
  const backup = requireDbBackupName(a.positional[0] ?? '').name;
  return withSession(a, workspace, async (s) => {
    const ctx = terminalContext(!!a.flags.json, 'Manager restore');
    const skip = !!a.flags['skip-version-checks'];
    const repo = repository(a, workspace, s.profile);
    // One run per Manager (whatever the backup): two restores of one Manager must not be half-done side by side.
    const subject = s.profile.name;
    const state = await reportingRun(
      () =>
        runRunbook(
          managerRestoreRunbook(),
          { ssh: s.ssh, layout: s.layout, client: s.client, backup, skipVersionChecks: skip },
          cliHost(!!a.flags.yes, !!a.flags.json),
          {
            repository: repo,
            subject,
            params: { backup, skipVersionChecks: String(skip) },
            resume: !!a.flags.resume,
            abandon: !!a.flags.abandon,
            signal: ctx.signal,
          },
        ),
      () => unfinishedRun(repo, MANAGER_RESTORE, subject),
    );
    out(state, describeRun(state));
    return 0;
  });
}

/**
 * A stopped run shows where it stopped and how to go on (a cancelled one too: `stateNow` reads its record), then
 * fails with its error; a refused new run says how to resume or abandon the unfinished one.
 */
async function reportingRun<T>(run: () => Promise<T>, stateNow?: () => RunbookState | undefined): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const state = e instanceof RunbookError ? e.state : isCancel(e) ? stateNow?.() : undefined;
    if (state) {
      endStatusLines();
      process.stderr.write(
        `\n${printableLines(describeRun(state))}\nresume with --resume${e instanceof RunbookError ? ' once the cause is fixed' : ''}: done steps are not run again\n`,
      );
    }
    if (e instanceof UnfinishedRunError)
      throw new Error(
        `${e.message} (--resume goes on with backup ${e.state.params.backup ?? '?'}; --abandon gives it up)`,
        { cause: e },
      );
    throw e;
  }
}

/**
 * `manager-rebuild (--uuid UUID | --from <manager-backup-id>) [--resume]`: the §12.1.5 runbook (no database
 * backup): the UUID checked, then the guide's rediscovery steps confirmed one by one on a terminal.
 */
export async function managerRebuildVerb(a: Args, out: Out, workspace: string): Promise<number> {
  let uuid = typeof a.flags.uuid === 'string' ? a.flags.uuid : undefined;
  if (!uuid && typeof a.flags.from === 'string') {
    const repo = repository(a, workspace);
    const entry = findBackupEntry(
      new BackupRepository(repo).list().filter((e) => e.kind === 'ovm-manager'),
      String(a.flags.from),
    );
    if (!entry) throw new Error(shown`no Manager backup "${a.flags.from}" in ${repo}`);
    uuid = configIdentity(fs.readFileSync(path.join(entry.dir, 'config', '.config'), 'utf8')).uuid;
  }
  if (!uuid)
    throw new Error('manager-rebuild: give --uuid <UUID> or --from <Manager backup id> (its .config holds the UUID)');
  const theUuid = uuid;
  return withSession(a, workspace, async (s) => {
    const ctx = terminalContext(!!a.flags.json, 'Manager rebuild');
    const state = await reportingRun(() =>
      runRunbook(managerRebuildRunbook(), { client: s.client, uuid: theUuid }, cliHost(false, !!a.flags.json), {
        repository: repository(a, workspace, s.profile),
        subject: `${s.profile.name} rebuild`,
        params: { uuid: theUuid },
        resume: !!a.flags.resume,
        signal: ctx.signal,
      }),
    );
    out(state, describeRun(state));
    return 0;
  });
}
