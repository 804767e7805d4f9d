// The names of the Manager's MySQL backup directories (§12.1.2.1, §12.1.2.3), read strictly: a name that is not one
// of them is never used as a path or as RestoreDatabase.sh's argument.

/** A MySQL backup directory of the Manager: automatic (rotated) or manual (kept). */
export interface DbBackupName {
  name: string;
  kind: 'auto' | 'manual';
  /**
   * The time in the name, as written (the Manager host's local time, zone unknown): `MMDDYYYY_hhmmss` read as
   * year-month-day hour:minute:second. Absent for a manual name whose stamp is not in that form.
   */
  stamp?: { year: number; month: number; day: number; hour: number; minute: number; second: number };
  /** The Manager job id a manual name ends with (`ManualBackup-<stamp>_<ID>`, §12.1.4 step 3), when present. */
  jobId?: string;
}

/** §12.1.2.1: `AutoFullBackup-MMDDYYYY_hhmmss`. */
const AUTO = /^AutoFullBackup-(\d{2})(\d{2})(\d{4})_(\d{2})(\d{2})(\d{2})$/;
/**
 * §12.1.2.3 / §12.1.4: `ManualBackup-time_stamp[_ID]`. The stamp's form is not given for manual backups: *assumed* the
 * automatic one (`MMDDYYYY_hhmmss`); any other stamp of letters, digits, `_`, `.` and `-` is still accepted as manual.
 */
const MANUAL = /^ManualBackup-(\d{2})(\d{2})(\d{4})_(\d{2})(\d{2})(\d{2})(?:_([0-9A-Za-z]+))?$/;
const MANUAL_LOOSE = /^ManualBackup-[0-9A-Za-z][0-9A-Za-z_.-]{0,120}$/;

/**
 * Reads one directory name of DBBACKUP. Undefined for anything else — another file, and every hostile name
 * (control characters, `/`, `..`, quotes, shell metacharacters, a leading `-` that a tool would take for an option).
 */
export function parseDbBackupName(name: string): DbBackupName | undefined {
  const stamp = (m: RegExpExecArray) => {
    const [month, day, year, hour, minute, second] = m.slice(1, 7).map(Number);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
    return { year, month, day, hour, minute, second };
  };
  let m = AUTO.exec(name);
  if (m) {
    const s = stamp(m);
    return s ? { name, kind: 'auto', stamp: s } : undefined;
  }
  m = MANUAL.exec(name);
  if (m) return { name, kind: 'manual', stamp: stamp(m), jobId: m[7] };
  return MANUAL_LOOSE.test(name) ? { name, kind: 'manual' } : undefined;
}

/** Whether a name looks like a backup's but is not a valid one (shown as refused rather than silently skipped). */
export function looksLikeBackup(name: string): boolean {
  return /^(AutoFullBackup|ManualBackup)/.test(name);
}

/**
 * A name the user typed for a restore: the directory name only (§12.1.4: "the full path is not needed, DBBACKUP
 * already gives it"), one of the two forms.
 * @throws Error naming what is wrong (control characters shown escaped).
 */
export function requireDbBackupName(name: string): DbBackupName {
  const parsed = parseDbBackupName(name);
  if (!parsed)
    throw new Error(
      `${JSON.stringify(name)} is not a Manager database backup name (AutoFullBackup-MMDDYYYY_hhmmss or ManualBackup-…, the directory name only, §12.1.4)`,
    );
  return parsed;
}
