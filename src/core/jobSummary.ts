// What a finished job did, as lines for its log document: source, where the files went, their bytes and SHA-256, duration.
import { describeContext } from './errors';
import { JobRecord } from './job';
import { formatBytes } from './progress';

/** A job result that names files (a backup's catalog entry: `dir` + `files`). */
interface FilesResult {
  dir: string;
  files: Array<{ name: string; bytes: number; sha256?: string }>;
}

function isFilesResult(x: unknown): x is FilesResult {
  const r = x as FilesResult;
  return !!r && typeof r.dir === 'string' && Array.isArray(r.files);
}

/** Whole seconds between two ISO times, as "12 s", "3 min 4 s", "1 h 2 min". */
export function durationOf(startIso?: string, endIso?: string): string | undefined {
  if (!startIso || !endIso) return undefined;
  const s = Math.max(0, Math.round((Date.parse(endIso) - Date.parse(startIso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * The summary lines of a job: `source` (connection, host, VM), each file written (path, bytes, sha256), the total,
 * the duration. `date` formats an ISO time for the reader (the user's locale in VS Code).
 */
export function jobSummary(r: JobRecord, date: (iso: string) => string = (iso) => iso): string[] {
  const lines = [`source: ${describeContext(r.context) || '-'}`, `state: ${r.state}`, `created: ${date(r.created)}`];
  if (r.started) lines.push(`started: ${date(r.started)}`);
  if (r.finished) lines.push(`finished: ${date(r.finished)}`);
  const d = durationOf(r.started, r.finished);
  if (d) lines.push(`duration: ${d}`);
  if (isFilesResult(r.result)) {
    const total = r.result.files.reduce((n, f) => n + (f.bytes ?? 0), 0);
    lines.push(`folder: ${r.result.dir}`);
    for (const f of r.result.files)
      lines.push(`file: ${f.name} · ${f.bytes} bytes (${formatBytes(f.bytes)}) · sha256 ${f.sha256 ?? '-'}`);
    lines.push(`bytes: ${total} (${formatBytes(total)})`);
  }
  if (r.error) lines.push(`error: ${r.error.message}${r.error.code ? ` (${r.error.code})` : ''}`);
  for (const w of r.warnings ?? []) lines.push(`warning: ${w}`);
  return lines;
}
