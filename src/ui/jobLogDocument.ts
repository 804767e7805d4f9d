// Show Job Log's read-only document: a TextDocumentContentProvider on the `vmbackup-job:` scheme. The text is made
// from the job's record each time VS Code asks, so a running job's log grows in place; nothing can be saved or edited.
import * as vscode from 'vscode';
import { JobRecord } from '../core/job';
import { JobManager } from '../core/jobManager';
import { jobSummary } from '../core/jobSummary';
import { mask } from '../core/secrets';
import { dateText } from './format';

export const JOB_LOG_SCHEME = 'vmbackup-job';

/** The document of a job: `vmbackup-job:/<job id>/<title>.log` (the title only names the tab). */
export function jobLogUri(r: JobRecord): vscode.Uri {
  const name = r.title.replace(/[\\/\p{Cc}]/gu, '_').slice(0, 80) || 'job';
  return vscode.Uri.from({ scheme: JOB_LOG_SCHEME, path: `/${r.id}/${name}.log` });
}

/** The text of a job's log document: title, summary (source, files, bytes, sha256, duration), then the log, masked. */
export function jobLogText(r: JobRecord): string {
  return mask([`# ${r.title}`, `kind: ${r.kind}`, ...jobSummary(r, dateText), '', ...r.log, ''].join('\n'));
}

export class JobLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly open = new Set<string>();
  private readonly onJob = () => {
    for (const u of this.open) this.emitter.fire(vscode.Uri.parse(u));
  };

  constructor(private readonly jobs: JobManager) {
    jobs.on('change', this.onJob);
  }

  private record(id: string): JobRecord | undefined {
    return this.jobs.jobs.find((j) => j.record.id === id)?.record ?? this.jobs.finished.find((r) => r.id === id);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.split('/')[1] ?? '';
    const r = this.record(id);
    if (!r) return `job ${id} is no longer in the history (vmbackup.jobHistorySize)\n`;
    if (!['succeeded', 'failed', 'cancelled', 'succeeded-with-warnings'].includes(r.state))
      this.open.add(uri.toString());
    else this.open.delete(uri.toString());
    return jobLogText(r);
  }

  dispose(): void {
    this.jobs.off('change', this.onJob);
    this.emitter.dispose();
  }
}
