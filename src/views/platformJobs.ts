// The Jobs view's groups for platforms with their own job list (Capabilities.platformJobs: Oracle VM Manager's jobs):
// one group per connected connection, e.g. "ovm-manager: Manager jobs", running jobs first, then the recent ones;
// listed again while the view is visible (core/platformJobWatch.ts). A platform job a product job follows is linked
// to it (its row names the product's job, a click opens that job's log).
import * as vscode from 'vscode';
import { JobManager } from '../core/jobManager';
import { PlatformJob, PlatformJobState } from '../core/model';
import { PlatformJobSource, PlatformJobWatch, platformJobWatch } from '../core/platformJobWatch';
import { escapeControlChars as esc } from '../core/controlChars';
import { ConnectionStore } from '../ui/connectionStore';
import { ageText, dateText } from '../ui/format';
import { JobNode, PlatformJobGroupNode, PlatformJobNode, RunningJobNode } from './nodes';

const ICONS: Record<PlatformJobState, [string, string?]> = {
  queued: ['clock'],
  running: ['loading~spin'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
};

/** Between two listings while the Jobs view is visible, ms. */
export const PLATFORM_JOBS_POLL_MS = 5_000;

export class PlatformJobs implements vscode.Disposable {
  readonly watch: PlatformJobWatch;

  constructor(
    private readonly connections: ConnectionStore,
    private readonly jobs: JobManager,
    onChange: () => void,
    intervalMs = PLATFORM_JOBS_POLL_MS,
  ) {
    this.watch = platformJobWatch(() => this.sources(), { intervalMs, onChange });
  }

  /**
   * The connections already connected (never one that is not: listing jobs must not start a login, ask a password or
   * read connections.yaml at activation)
   * whose capabilities declare platformJobs, each listing its `vmbackup.platformJobsShown` most recent finished jobs.
   */
  private async sources(): Promise<PlatformJobSource[]> {
    const recent = vscode.workspace.getConfiguration('vmbackup').get<number>('platformJobsShown', 20);
    const out: PlatformJobSource[] = [];
    for (const [name, connecting] of this.connections.connected()) {
      const provider = await connecting.catch(() => undefined);
      const caps = provider?.capabilities.platformJobs;
      const list = provider?.listPlatformJobs?.bind(provider);
      if (caps && list) out.push({ connection: name, label: caps.label, list: () => list({ recent }) });
    }
    return out;
  }

  /** One group per connection listed so far. */
  groups(): PlatformJobGroupNode[] {
    return this.watch.lists().map((l) => ({
      kind: 'platformJobs',
      key: `platform:${l.connection}`,
      connection: l.connection,
      label: `${l.connection}: ${l.label}`,
    }));
  }

  /** A group's jobs (running first, as the provider orders them), or why they could not be listed. */
  children(group: PlatformJobGroupNode): JobNode[] {
    const list = this.watch.lists().find((l) => l.connection === group.connection);
    if (!list) return [];
    const rows: JobNode[] = list.jobs.map((job) => ({
      kind: 'platformJob',
      key: `${group.key}/${job.id}`,
      connection: group.connection,
      job,
      linked: job.followedBy ? this.jobs.jobs.find((j) => j.signal === job.followedBy) : undefined,
    }));
    if (list.error) rows.unshift({ kind: 'message', key: `${group.key}/error`, message: list.error, icon: 'error' });
    return rows.length ? rows : [{ kind: 'message', key: `${group.key}/none`, message: 'No jobs', icon: 'info' }];
  }

  item(node: PlatformJobGroupNode | PlatformJobNode): vscode.TreeItem {
    if (node.kind === 'platformJobs') {
      const item = new vscode.TreeItem(esc(node.label), vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.key;
      item.iconPath = new vscode.ThemeIcon('server-environment');
      item.contextValue = 'platformJobs';
      return item;
    }
    const j = node.job;
    const item = new vscode.TreeItem(esc(j.name), vscode.TreeItemCollapsibleState.None);
    item.id = node.key;
    const [icon, color] = ICONS[j.state] ?? ['circle-outline'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = esc(platformJobDescription(j, node.linked?.record.title));
    item.tooltip = platformJobTooltip(j, node.linked?.record.title);
    item.contextValue = `platformJob;${j.state}`;
    if (node.linked) {
      const target: RunningJobNode = { kind: 'job', key: `job:${node.linked.record.id}`, job: node.linked };
      item.command = { command: 'vmbackup.showJobLog', title: 'Show log', arguments: [target] };
    }
    return item;
  }

  dispose(): void {
    this.watch.dispose();
  }
}

/** "RUNNING · Cloning virtual disk 1 of 2 · for Back Up VM db01" / "FAILURE · 3 min ago". */
export function platformJobDescription(j: PlatformJob, linkedTitle?: string, now = Date.now()): string {
  const open = j.state === 'running' || j.state === 'queued';
  return [
    j.vendorState,
    open ? j.progressMessage : j.endTime !== undefined ? ageText(new Date(j.endTime), now) : '',
    linkedTitle ? `for ${linkedTitle}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * One line each (control characters of the server's strings escaped): name, state, progress, user, times, the
 * product's job following it, and a failure's error verbatim.
 */
export function platformJobTooltip(j: PlatformJob, linkedTitle?: string): string {
  return [
    j.name,
    `${j.vendorState} (${j.state})`,
    j.progressMessage ? `progress: ${j.progressMessage}` : '',
    j.user ? `user: ${j.user}` : '',
    j.startTime !== undefined ? `started ${dateText(new Date(j.startTime))}` : '',
    j.endTime !== undefined ? `ended ${dateText(new Date(j.endTime))}` : '',
    linkedTitle ? `followed by this product's job "${linkedTitle}"` : '',
    j.error ?? '',
  ]
    .filter(Boolean)
    .map((line) => esc(line))
    .join('\n');
}
