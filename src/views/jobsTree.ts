// Jobs: running jobs first (progress), then the finished history (state, duration, error code).
import * as vscode from 'vscode';
import { JobState } from '../core/job';
import { JobManager } from '../core/jobManager';
import { formatProgress } from '../core/progress';
import { ageText, dateText, durationText } from '../ui/format';
import { JobNode } from './nodes';
import { ConnectionStore } from '../ui/connectionStore';
import { PlatformJobs } from './platformJobs';
import { escapeControlChars as esc } from '../core/controlChars';

const STATE_ICONS: Record<JobState, [string, string?]> = {
  queued: ['clock'],
  running: ['loading~spin'],
  succeeded: ['pass', 'testing.iconPassed'],
  'succeeded-with-warnings': ['warning', 'problemsWarningIcon.foreground'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
};

export class JobsTree implements vscode.TreeDataProvider<JobNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<JobNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  /** Repaints the relative times ("3 min ago") while the view is visible. */
  private clock: NodeJS.Timeout | undefined;
  private readonly onJob = () => this.scheduleRefresh();
  /** How often the relative times are repainted while the view is visible, ms. */
  static readonly CLOCK_MS = 15_000;

  /** The platforms' own job lists (platformJobs.ts), when the tree is given the connections. */
  readonly platform: PlatformJobs | undefined;

  constructor(
    private readonly jobs: JobManager,
    connections?: ConnectionStore,
  ) {
    jobs.on('change', this.onJob);
    this.platform = connections && new PlatformJobs(connections, jobs, () => this.scheduleRefresh());
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  /** Follows the view's visibility: while it is visible, relative times are repainted every CLOCK_MS. */
  watch(view: vscode.TreeView<JobNode>): vscode.Disposable {
    const follow = () => {
      clearInterval(this.clock);
      this.clock = view.visible ? setInterval(() => this.refresh(), JobsTree.CLOCK_MS).unref() : undefined;
      if (view.visible) this.refresh();
      this.platform?.watch.setVisible(view.visible);
    };
    const sub = view.onDidChangeVisibility(follow);
    follow();
    return {
      dispose: () => {
        sub.dispose();
        clearInterval(this.clock);
        view.dispose();
      },
    };
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, 200);
  }

  getTreeItem(node: JobNode): vscode.TreeItem {
    if (node.kind === 'platformJobs' || node.kind === 'platformJob') return this.platform!.item(node);
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(esc(node.message));
      item.iconPath = node.icon ? new vscode.ThemeIcon(node.icon) : undefined;
      item.contextValue = 'message';
      return item;
    }
    const r = node.kind === 'job' ? node.job.record : node.record;
    const hasChildren = this.childrenOf(r.id).length > 0;
    const item = new vscode.TreeItem(
      esc(r.title),
      hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.key;
    const [icon, color] = STATE_ICONS[r.state] ?? ['circle-outline'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    if (node.kind === 'job') {
      item.description = r.state === 'queued' ? 'queued' : r.progress ? formatProgress(r.progress) : 'running';
      item.contextValue = `job;${r.state};canCancel;canShowLog`;
    } else {
      item.description = esc(
        [
          r.state.replace(/-/g, ' '),
          durationText(r.started, r.finished),
          r.finished ? ageText(new Date(r.finished)) : '',
          r.error?.code,
        ]
          .filter(Boolean)
          .join(' · '),
      );
      item.contextValue = `job;finished;${r.state};canShowLog${r.error?.untrusted ? ';canPinCertificate' : ''}`;
    }
    item.tooltip = [
      ...[r.title, r.error?.message, ...(r.warnings ?? [])].map((t) => t && esc(t)),
      r.finished ? `finished ${dateText(r.finished)}` : `started ${dateText(r.started ?? r.created)}`,
    ]
      .filter(Boolean)
      .join('\n');
    item.command = { command: 'vmbackup.showJobLog', title: 'Show log', arguments: [node] };
    return item;
  }

  /** The child jobs of job `id` (a VCB group run's one job per VM), running and finished. */
  private childrenOf(id: string): JobNode[] {
    const running: JobNode[] = this.jobs.jobs
      .filter((j) => j.record.parentId === id)
      .map((job) => ({ kind: 'job', key: `job:${job.record.id}`, job }));
    const activeIds = new Set(this.jobs.jobs.map((j) => j.record.id));
    const finished: JobNode[] = this.jobs.finished
      .filter((r) => r.parentId === id && !activeIds.has(r.id))
      .map((record) => ({ kind: 'record', key: `job:${record.id}`, record }));
    return [...running, ...finished];
  }

  getChildren(node?: JobNode): JobNode[] {
    if (node) {
      if (node.kind === 'platformJobs') return this.platform ? this.platform.children(node) : [];
      if (node.kind === 'job') return this.childrenOf(node.job.record.id);
      if (node.kind === 'record') return this.childrenOf(node.record.id);
      return [];
    }
    const size = vscode.workspace.getConfiguration('vmbackup').get<number>('jobHistorySize', 50);
    // Child jobs show under their parent (while it is known), not at the top.
    const known = new Set([...this.jobs.jobs.map((j) => j.record.id), ...this.jobs.finished.map((r) => r.id)]);
    const top = (r: { parentId?: string }) => !r.parentId || !known.has(r.parentId);
    const running: JobNode[] = this.jobs.jobs
      .filter((j) => top(j.record))
      .map((job) => ({ kind: 'job', key: `job:${job.record.id}`, job }));
    const activeIds = new Set(this.jobs.jobs.map((j) => j.record.id));
    const finished: JobNode[] = this.jobs.finished
      .filter((r) => !activeIds.has(r.id) && top(r))
      .slice(0, Math.max(0, size))
      .map((record) => ({ kind: 'record', key: `job:${record.id}`, record }));
    const all = [...running, ...finished, ...(this.platform?.groups() ?? [])];
    return all.length ? all : [{ kind: 'message', key: 'none', message: 'No jobs yet' }];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.clock);
    this.jobs.off('change', this.onJob);
    this.platform?.dispose();
    this.emitter.dispose();
  }
}
