// Thin activation: wires the connection store, job manager, trees and commands together. What the first tree paint
// does not need is loaded on first use: the command handlers (registerCommands.ts), the language support
// (language/onDemand.ts), the providers (providers/index.ts) and the npm packages (build.mjs).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JobManager } from './core/jobManager';
import { registerCommands } from './commands/registerCommands';
import { CommandContext, Trees } from './ui/commandContext';
import { ConnectionStore, secretKey } from './ui/connectionStore';
import { ConnectionProfile } from './core/model';
import { BackupsTree } from './views/backupsTree';
import { InfrastructureTree } from './views/infrastructureTree';
import { JobsTree } from './views/jobsTree';
import { registerLanguageSupportOnDemand } from './language/onDemand';
import { JOB_LOG_SCHEME, JobLogDocuments } from './ui/jobLogDocument';
import { VcbSessions } from './ui/vcbSessions';
import { VcbFileSystem } from './ui/vcbFileSystem';
import { VCB_SCHEME } from './ui/vcbUris';
import { VcbBranch } from './views/vcbNodes';
import { setDisplayLocale } from './ui/format';

export interface VmBackupApi {
  connections: ConnectionStore;
  jobs: JobManager;
  trees: Trees;
  /** The VCB hosts' sessions and file-level mounts. */
  vcb: VcbSessions;
}

/** Closed on deactivate: every file-level mount is unmounted before the extension host ends. */
let vcbSessions: VcbSessions | undefined;

export function activate(context: vscode.ExtensionContext): VmBackupApi {
  const log = vscode.window.createOutputChannel('VM Backup Explorer', { log: true });
  setDisplayLocale(vscode.env.language);
  const historySize = vscode.workspace.getConfiguration('vmbackup').get<number>('jobHistorySize', 50);
  const jobs = new JobManager({
    historyFile: path.join(context.globalStorageUri.fsPath, 'jobs.json'),
    maxHistory: Math.max(historySize, 1),
  });
  if (jobs.historyProblem) {
    log.warn(jobs.historyProblem);
    void vscode.window.showWarningMessage(jobs.historyProblem);
  }
  const connections = new ConnectionStore(context.secrets, log);
  const backups = new BackupsTree(connections);
  const trees: Trees = {
    infrastructure: new InfrastructureTree(connections, jobs, backups),
    backups,
    jobs: new JobsTree(jobs, connections),
  };
  const jobLogs = new JobLogDocuments(jobs);
  const vcb = new VcbSessions(connections, context.secrets, log, jobs);
  vcbSessions = vcb;
  const vcbFiles = new VcbFileSystem(vcb);
  trees.infrastructure.vcb = new VcbBranch(vcb);
  vcbFiles.onConfigSaved = (connection) => trees.infrastructure.refreshConnection(connection);
  const ctx: CommandContext = { connections, jobs, trees, log, extensionUri: context.extensionUri, vcb, vcbFiles };

  // connections.yaml is read when a view or command first asks for the list (ConnectionStore), not here.
  const updateContext = () =>
    void vscode.commands.executeCommand('setContext', 'vmbackup.hasConnections', connections.connections.length > 0);

  const infrastructureView = vscode.window.createTreeView('vmbackup.infrastructure', {
    treeDataProvider: trees.infrastructure,
    canSelectMany: true,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    log,
    connections,
    trees.infrastructure,
    trees.backups,
    trees.jobs,
    connections.onDidLoad(updateContext),
    infrastructureView,
    // Event streams and polls of the inventory run only while the view is visible.
    infrastructureView.onDidChangeVisibility((e) => trees.infrastructure.setVisible(e.visible)),
    vscode.window.createTreeView('vmbackup.backups', {
      treeDataProvider: trees.backups,
      canSelectMany: true,
      showCollapseAll: true,
    }),
    trees.jobs.watch(vscode.window.createTreeView('vmbackup.jobs', { treeDataProvider: trees.jobs })),
    jobLogs,
    vscode.workspace.registerTextDocumentContentProvider(JOB_LOG_SCHEME, jobLogs),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vmbackup.jobHistorySize')) trees.jobs.refresh();
    }),
    ...registerCommands(ctx),
    { dispose: () => jobs.cancelAll() },
    vscode.workspace.registerFileSystemProvider(VCB_SCHEME, vcbFiles, { isCaseSensitive: true }),
    vcb.onDidChangeMounts(() => trees.infrastructure.refresh()),
    vcb,
  );
  registerLanguageSupportOnDemand(context, log, {
    getConnections: () => connections.connections.map((c) => ({ name: c.name, url: c.url, platform: c.platform })),
    storeSecret: (name, password) => connections.storePassword(name, password),
    hasSecret: async (name) => (await context.secrets.get(secretKey(name))) !== undefined,
    // The platform comes from the file (vmware for VCB files); connections.schema.json accepts it.
    createConnection: (draft, password) =>
      connections.add({ ...draft, platform: draft.platform as ConnectionProfile['platform'] }, password),
  });
  log.info('activated');
  return { connections, jobs, trees, vcb };
}

/** Unmounts the VCB file-level mounts (VS Code waits for the promise); the rest is in context.subscriptions. */
export async function deactivate(): Promise<void> {
  await vcbSessions?.closeAll();
}
