// Long operations: a JobManager job + a cancellable notification + a spinner on the node + a Jobs entry.
import * as vscode from 'vscode';
import { ErrorContext, describeContext, isCancel } from '../core/errors';
import { concurrencyPerHost } from '../core/concurrency';
import { capabilitiesOf } from '../providers';
import { escapeControlChars } from '../core/controlChars';
import { JobBody, JobRecord } from '../core/job';
import { PIN_ACTION, SHOW_LOG_ACTION, failureActions } from '../core/pinRequest';
import { formatBytes, formatProgress } from '../core/progress';
import { durationOf } from '../core/jobSummary';
import { CatalogEntry } from '../core/repository';
import { mask } from '../core/secrets';
import { CommandContext } from './commandContext';

export interface JobSpec {
  title: string;
  kind: string;
  context: ErrorContext;
  hostKey: string;
  /** Ids of the infrastructure nodes the job works on (spinner + progress there). */
  targets?: string[];
  /** Trees to refresh when the job ends. */
  refresh?: Array<'infrastructure' | 'backups'>;
  /**
   * The result notification on success (one per job): false when the command shows its own (verify, restore,
   * cleanup…). A backup's says what was written and offers *Verify* and *Reveal in Explorer*.
   */
  announce?: boolean;
}

export const VERIFY_ACTION = 'Verify';
export const REVEAL_ACTION = 'Reveal in Explorer';

/** Runs a job with progress. Resolves with the result, or undefined when it failed (one message shown) or was cancelled (silent). */
export async function runJob<T>(ctx: CommandContext, spec: JobSpec, body: JobBody<T>): Promise<T | undefined> {
  const { job, done } = ctx.jobs.run(
    spec.title,
    spec.kind,
    spec.context,
    spec.hostKey,
    body,
    limitOf(ctx, spec.context.connection),
  );
  if (spec.targets?.length) ctx.trees.infrastructure.markBusy(spec.targets, job);
  ctx.log.info(mask(`job ${job.record.id} started: ${spec.title}`));
  try {
    return await vscode.window
      .withProgress(
        { location: vscode.ProgressLocation.Notification, title: spec.title, cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => job.cancel());
          let last = 0;
          const onChange = () => {
            const p = job.record.progress;
            if (!p) return;
            const f = Math.round((p.fraction ?? 0) * 100);
            progress.report({ message: formatProgress(p), increment: f > last ? f - last : undefined });
            if (f > last) last = f;
          };
          job.on('change', onChange);
          try {
            return await done;
          } finally {
            job.off('change', onChange);
            sub.dispose();
          }
        },
      )
      .then((result) => {
        if (job.record.warnings?.length) showWarnings(ctx, spec.title, job.record);
        else announce(ctx, spec, job.record);
        return result;
      });
  } catch (err) {
    if (isCancel(err) || job.state === 'cancelled') {
      ctx.log.info(`job ${job.record.id} cancelled: ${mask(spec.title)}`);
      return undefined;
    }
    const e = job.record.error;
    let text = e?.message ?? mask((err as Error)?.message ?? String(err));
    const where = describeContext(spec.context);
    if (where && !text.includes(where)) text = `${where}: ${text}`;
    if (e?.code && !text.includes(e.code)) text += ` (${e.code})`;
    ctx.log.error(`job ${job.record.id} failed: ${spec.title}: ${text}`);
    void vscode.window
      .showErrorMessage(`${escapeControlChars(spec.title)} failed — ${escapeControlChars(text)}`, ...failureActions(e))
      .then((pick) => {
        if (pick === PIN_ACTION)
          void vscode.commands.executeCommand('vmbackup.pinCertificate', {
            kind: 'record',
            key: `job:${job.record.id}`,
            record: job.record,
          });
        else if (pick === SHOW_LOG_ACTION) showLog(job.record);
      });
    return undefined;
  } finally {
    if (spec.refresh?.includes('backups')) ctx.trees.backups.refresh();
    if (spec.refresh?.includes('infrastructure') && spec.context.connection)
      ctx.trees.infrastructure.refreshConnection(spec.context.connection);
    ctx.trees.jobs.refresh();
  }
}

/** A job that succeeded: a line in the Output channel, and one notification unless the command shows its own. */
function announce(ctx: CommandContext, spec: JobSpec, record: JobRecord): void {
  const took = durationOf(record.started, record.finished);
  const entry = backupEntry(record.result);
  const bytes = entry ? entry.files.reduce((n, f) => n + (f.bytes ?? 0), 0) : undefined;
  const what = [took, bytes !== undefined ? formatBytes(bytes) : undefined].filter(Boolean).join(', ');
  ctx.log.info(
    mask(`job ${record.id} succeeded: ${spec.title}${what ? ` (${what})` : ''}${entry ? ` → ${entry.dir}` : ''}`),
  );
  if (spec.announce === false) return;
  const text = `${escapeControlChars(spec.title)} succeeded${what ? ` — ${what}` : ''}`;
  if (!entry) {
    void vscode.window.showInformationMessage(text, SHOW_LOG_ACTION).then((pick) => pick && showLog(record));
    return;
  }
  void vscode.window
    .showInformationMessage(`${text}, ${escapeControlChars(entry.dir)}`, VERIFY_ACTION, REVEAL_ACTION, SHOW_LOG_ACTION)
    .then((pick) => {
      if (pick === VERIFY_ACTION) {
        const root = ctx.connections.repositoryFor(entry.connection ?? spec.context.connection) ?? entry.dir;
        void vscode.commands.executeCommand('vmbackup.verifyBackup', {
          kind: 'backup',
          key: `b:${entry.dir}`,
          root,
          entry,
          connections: entry.connection ? [entry.connection] : [],
        });
      } else if (pick === REVEAL_ACTION)
        void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(entry.dir));
      else if (pick === SHOW_LOG_ACTION) showLog(record);
    });
}

/** A result that is a backup's catalog entry (it has a manifest): what the backup notification offers actions for. */
function backupEntry(x: unknown): CatalogEntry | undefined {
  const e = x as CatalogEntry | undefined;
  return e && typeof e.dir === 'string' && Array.isArray(e.files) && e.manifest ? e : undefined;
}

function showLog(record: JobRecord): void {
  void vscode.commands.executeCommand('vmbackup.showJobLog', { kind: 'record', key: `job:${record.id}`, record });
}

/** A job that succeeded with warnings: one message naming what is left. */
function showWarnings(ctx: CommandContext, title: string, record: JobRecord): void {
  const warnings = (record.warnings ?? []).join('; ');
  ctx.log.warn(`job ${record.id} succeeded with warnings: ${title}: ${warnings}`);
  void vscode.window
    .showWarningMessage(
      `${escapeControlChars(title)} succeeded with warnings — ${escapeControlChars(warnings)}`,
      SHOW_LOG_ACTION,
    )
    .then((pick) => {
      if (pick) showLog(record);
    });
}

/** The connection's concurrency per host: its own setting, else its platform's declared default. */
function limitOf(ctx: CommandContext, connection: string | undefined): number | undefined {
  const profile = connection ? ctx.connections.get(connection) : undefined;
  return profile ? concurrencyPerHost(profile, capabilitiesOf(profile)) : undefined;
}
