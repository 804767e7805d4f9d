// What every command receives.
import * as vscode from 'vscode';
import { JobManager } from '../core/jobManager';
import { BackupsTree } from '../views/backupsTree';
import { InfrastructureTree } from '../views/infrastructureTree';
import { JobsTree } from '../views/jobsTree';
import { ConnectionStore } from './connectionStore';

export interface Trees {
  infrastructure: InfrastructureTree;
  backups: BackupsTree;
  jobs: JobsTree;
}

export interface CommandContext {
  connections: ConnectionStore;
  jobs: JobManager;
  trees: Trees;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}
