// The automatic database backups' interval and number kept: they live in the Manager's database (guide §12.1.2), not in
// /etc/sysconfig/ovmm, and are read with the Manager CLI's documented `getDbBackupConfig` over its SSH port (10000).
import { printable } from '../ovmErrors';
import { MANAGER_CLI_PORT, managerCliAccess, parseManagerCliReply, runManagerCli } from './managerCli';
import { ManagerSession } from './managerSession';

/** What the Manager says of its automatic database backups (CLI reference A.109 getDbBackupConfig, A.167 setDbBackupConfig). */
export interface DbBackupRotation {
  /** Where it was read: `Manager CLI getDbBackupConfig at <host>:<port>`. */
  source: string;
  /** Minutes between automatic backups (setDbBackupConfig `interval`, documented range 360–43200). */
  intervalMinutes?: number;
  /** Automatic backups kept before they are rotated (setDbBackupConfig `numberToKeep`, documented range 1–500). */
  numberToKeep?: number;
  /** The reply's data lines, escaped: shown when a value could not be identified. */
  data: string[];
  /** Why a value is missing or doubtful (not read, the CLI's failure verbatim, outside the documented range). */
  problems: string[];
}

/** setDbBackupConfig's documented ranges (CLI reference A.167). */
export const INTERVAL_RANGE = { min: 360, max: 43200 } as const;
export const KEEP_RANGE = { min: 1, max: 500 } as const;

const key = (k: string) => k.toLowerCase().replace(/[^a-z]/g, '');

/**
 * Parses the CLI's text reply: `OVM> …` echo lines skipped, `Status: Success|Failure`, then `Data:` and `Key = value`
 * lines (the reply layout of public CLI logs, platform-facts.md §3.4). The data keys of getDbBackupConfig are not
 * published (A.109's example shows no output): only keys that spell setDbBackupConfig's documented options (A.167
 * `interval`, `numberToKeep`; case, spaces and a `(minutes)` note aside) with a plain integer (an interval may say
 * `min`/`minutes`) are read; anything else leaves the value unknown and the reply's data lines are shown as given
 * (describeRotation), never guessed from. A failure's text is kept verbatim (escaped).
 */
export function parseDbBackupConfig(text: string, source: string): DbBackupRotation {
  const reply = parseManagerCliReply(text);
  const r: DbBackupRotation = { source, data: reply.data, problems: [] };
  for (const line of reply.data) {
    const kv = /^\s*([^=:]{1,80}?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) continue;
    const k = key(kv[1]);
    if (k === 'interval' || k === 'intervalminutes') {
      const n = /^\s*(\d{1,9})\s*(?:min|minutes)?\s*$/i.exec(kv[2]);
      if (n) r.intervalMinutes = Number(n[1]);
    } else if (k === 'numbertokeep') {
      const n = /^\s*(\d{1,9})\s*$/.exec(kv[2]);
      if (n) r.numberToKeep = Number(n[1]);
    }
  }
  if (reply.status === undefined) r.problems.push('the Manager CLI gave no "Status:" line');
  else if (!reply.ok)
    r.problems.push(
      `getDbBackupConfig: Status ${reply.status}${reply.errors.length ? `: ${reply.errors.join(' ')}` : ''}`,
    );
  if (r.intervalMinutes === undefined && reply.ok) r.problems.push('no interval in the reply');
  if (r.numberToKeep === undefined && reply.ok) r.problems.push('no number kept in the reply');
  const out = (v: number | undefined, range: { min: number; max: number }) =>
    v !== undefined && (v < range.min || v > range.max);
  if (out(r.intervalMinutes, INTERVAL_RANGE))
    r.problems.push(`interval ${r.intervalMinutes} min is outside setDbBackupConfig's documented 360–43200`);
  if (out(r.numberToKeep, KEEP_RANGE))
    r.problems.push(`number kept ${r.numberToKeep} is outside setDbBackupConfig's documented 1–500`);
  return r;
}

/**
 * Reads the rotation settings over the Manager CLI (`managerHost.cliPort`, default 10000; user `cliUsername`, default
 * the connection's, with the Manager password; host key pinned by `cliHostKey`); only tried when the connection sets
 * `cliHostKey` or `cliPort` (another program may listen on 10000 of a host). Never throws for the Manager's sake:
 * an unreachable CLI, an unpinned key or an unreadable reply come back as `problems`, and the listing goes on without
 * the values (the guide's defaults apply). CancelledError is passed on.
 */
export async function readDbBackupRotation(s: ManagerSession, signal?: AbortSignal): Promise<DbBackupRotation> {
  const access = managerCliAccess(s.profile.name, s.settings, s.managerCredentials());
  if (!access)
    return {
      source: `Manager CLI getDbBackupConfig at ${s.settings.host}:${MANAGER_CLI_PORT}`,
      data: [],
      problems: [
        'not read: managerHost has neither cliHostKey nor cliPort (set cliPort to be shown the Manager CLI key to pin)',
      ],
    };
  const source = `Manager CLI getDbBackupConfig at ${access.host}:${access.port}`;
  try {
    const text = await runManagerCli(access, 'getDbBackupConfig', {
      signal,
      idleMs: 60_000,
      maxOutputBytes: 64 * 1024,
    });
    return parseDbBackupConfig(text, source);
  } catch (e) {
    if (signal?.aborted) throw e;
    const pin = s.settings.cliHostKey ? '' : ' (pin the CLI key as managerHost.cliHostKey)';
    return { source, data: [], problems: [`not read: ${printable(e instanceof Error ? e.message : String(e))}${pin}`] };
  }
}

/** One line for the listing: `every 1440 min (24 h), 21 automatic backups kept (Manager CLI …)`, or why not read. */
export function describeRotation(r: DbBackupRotation): string {
  const parts: string[] = [];
  if (r.intervalMinutes !== undefined)
    parts.push(`every ${r.intervalMinutes} min (${+(r.intervalMinutes / 60).toFixed(1)} h)`);
  if (r.numberToKeep !== undefined) parts.push(`${r.numberToKeep} automatic backups kept`);
  const values = parts.length ? parts.join(', ') : 'interval and number kept unknown';
  const data = parts.length < 2 && r.data.length ? `; the reply: ${r.data.join(' | ')}` : '';
  const problems = r.problems.length ? `; ${r.problems.join('; ')}` : '';
  return `${values} (${r.source}, guide §12.1.2${data}${problems})`;
}
