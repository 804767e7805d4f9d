// The Manager's MySQL backups on its host: where they are (/etc/sysconfig/ovmm DBBACKUP), which there are, how old.
import { parse } from '../../../formats/parse';
import { SshSession } from '../../../transport/ssh';
import { printable } from '../ovmErrors';
import { DbBackupName, looksLikeBackup, parseDbBackupName } from './dbBackupName';
import { ManagerLayout } from './managerHost';

/** What /etc/sysconfig/ovmm says about the backups (§12.1.2), read with the product's own parser for that file. */
export interface DbBackupSettings {
  /** DBBACKUP, else the guide's default. */
  directory: string;
  directoryFrom: 'sysconfig' | 'default';
  /** DBBACKUP_CMD (the mysqlbackup binary), when set. */
  tool?: string;
  /** The Manager UUID kept there too (§12.1.4 note), when set. */
  uuid?: string;
  /**
   * Rotation as the guide states it: automatic backups every 24 h by default, rotated; manual ones never rotated.
   * The interval and the number kept live in the Manager's database (§12.1.2), not in this file: dbBackupRotation.ts.
   */
  rotation: string;
}

export interface DbBackup extends DbBackupName {
  /** The directory's modification time (the Manager host's clock, as epoch ms). */
  modified: Date;
  /**
   * When the backup was taken, on this machine's clock: from the time in its name when it has one (`stamp`, the
   * Manager host's local time, compared with that host's own local time now), else from `modified`. Not the
   * directory's time alone: RestoreDatabase.sh writes Restore.log into the backup it restores, which makes an old
   * backup look new.
   */
  taken: Date;
  takenFrom: 'name' | 'directory time';
  /** Age at listing time, seconds (now minus `taken`). */
  ageSeconds: number;
}

export interface DbBackupListing {
  settings: DbBackupSettings;
  backups: DbBackup[];
  /** Entries named like backups but refused (hostile or malformed), shown escaped. */
  refused: string[];
  /** Observations for the user (no automatic backup for over a day…). */
  notes: string[];
}

const ROTATION =
  'automatic backups (AutoFullBackup-*) run every 24 h by default (§12.1) and are rotated; manual ones (ManualBackup-*) are not rotated (§12.1.2.3). The interval and the number kept are stored in the Manager database, not in /etc/sysconfig/ovmm (§12.1.2): read with the Manager CLI getDbBackupConfig';

/** A small text file of the host (at most 1 MiB), or undefined when it does not exist or cannot be read. */
export async function readRemoteText(ssh: SshSession, file: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await ssh.exec(['cat', '--', file], { signal, maxOutputBytes: 1024 * 1024 });
  return r.code === 0 ? r.stdout : undefined;
}

/** /etc/sysconfig/ovmm parsed (missing file: the guide's defaults). */
export async function readDbBackupSettings(
  ssh: SshSession,
  layout: ManagerLayout,
  signal?: AbortSignal,
): Promise<DbBackupSettings> {
  const text = await readRemoteText(ssh, layout.sysconfig, signal);
  const values = new Map<string, string>();
  for (const e of text === undefined ? [] : parse('ovmm-sysconfig', text).entries) values.set(e.key, e.value);
  const dir = values.get('DBBACKUP');
  if (dir !== undefined && (!dir.startsWith('/') || /[\u0000-\u001f\u007f]/.test(dir) || dir.split('/').includes('..')))
    throw new Error(
      `${ssh.where}: ${layout.sysconfig}: DBBACKUP=${printable(JSON.stringify(dir))} is not an absolute path without ".." and control characters`,
    );
  return {
    directory: dir ?? layout.defaultDbBackup,
    directoryFrom: dir !== undefined ? 'sysconfig' : 'default',
    tool: values.get('DBBACKUP_CMD'),
    uuid: values.get('UUID'),
    rotation: ROTATION,
  };
}

/**
 * Lists DBBACKUP (`ls -ltr` of §12.1.3, read NUL-separated with GNU find so no name can forge a line): each backup
 * directory with its age, newest last; names that look like backups but are not valid are refused.
 * `intervalMinutes`: the Manager's automatic backup interval when it was read (dbBackupRotation.ts), else the guide's
 * 24 h: a newest automatic backup older than it plus 2 h is pointed out.
 */
export async function listDbBackups(
  ssh: SshSession,
  layout: ManagerLayout,
  signal?: AbortSignal,
  now = Date.now(),
  intervalMinutes?: number,
): Promise<DbBackupListing> {
  const settings = await readDbBackupSettings(ssh, layout, signal);
  const r = await ssh.exec(
    ['find', settings.directory, '-mindepth', '1', '-maxdepth', '1', '-type', 'd', '-printf', '%T@ %f\\0'],
    { signal, maxOutputBytes: 8 * 1024 * 1024 },
  );
  if (r.code !== 0)
    throw new Error(`${ssh.where}: cannot list ${settings.directory} (DBBACKUP): ${printable(r.stderr.trim())}`);
  const hostNow = await hostLocalNow(ssh, signal);
  const backups: DbBackup[] = [];
  const refused: string[] = [];
  for (const rec of r.stdout.split('\0')) {
    const m = /^(\d+(?:\.\d+)?) ([\s\S]+)$/.exec(rec);
    if (!m) continue;
    const parsed = parseDbBackupName(m[2]);
    if (!parsed) {
      if (looksLikeBackup(m[2])) refused.push(printable(m[2]));
      continue;
    }
    const modified = new Date(Math.round(Number(m[1]) * 1000));
    const byName = parsed.stamp && hostNow !== undefined ? hostNow - wallClock(parsed.stamp) : undefined;
    const age = byName ?? now - modified.getTime();
    backups.push({
      ...parsed,
      modified,
      taken: new Date(now - age),
      takenFrom: byName !== undefined ? 'name' : 'directory time',
      ageSeconds: Math.max(0, Math.round(age / 1000)),
    });
  }
  backups.sort((a, b) => a.taken.getTime() - b.taken.getTime());
  const notes: string[] = [];
  const lastAuto = backups.filter((b) => b.kind === 'auto').pop();
  if (!lastAuto)
    notes.push(
      'no automatic backup (AutoFullBackup-*) in DBBACKUP: check the Manager (a failed consistency check stops them, §12.1.3)',
    );
  else if (lastAuto.ageSeconds > (intervalMinutes ?? 1440) * 60 + 2 * 3600)
    notes.push(
      `the newest automatic backup is ${formatAge(lastAuto.ageSeconds)} old (${intervalMinutes !== undefined ? `the Manager's interval ${intervalMinutes} min` : 'default interval 24 h'}): check the interval, or whether a failed consistency check stops them (§12.1.3)`,
    );
  return { settings, backups, refused, notes };
}

/** A local wall-clock time as milliseconds of the same fields read as UTC: two of them subtract to their distance. */
function wallClock(t: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/**
 * The Manager host's local time now (`date '+%Y %m %d %H %M %S'`: the clock and zone the backup names were written
 * with), as wallClock; undefined when the host does not answer that (ages then come from the directories' times).
 */
async function hostLocalNow(ssh: SshSession, signal?: AbortSignal): Promise<number | undefined> {
  const r = await ssh.exec(['date', '+%Y %m %d %H %M %S'], { signal, maxOutputBytes: 256 }).catch(() => undefined);
  const f = r?.code === 0 ? /^(\d{4}) (\d\d) (\d\d) (\d\d) (\d\d) (\d\d)\s*$/.exec(r.stdout) : null;
  if (!f) return undefined;
  const [year, month, day, hour, minute, second] = f.slice(1).map(Number);
  return wallClock({ year, month, day, hour, minute, second });
}

/** `3 d 4 h`, `5 h 2 min`, `42 s`. */
export function formatAge(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min`;
  return `${seconds} s`;
}
