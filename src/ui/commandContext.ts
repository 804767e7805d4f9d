// What every command receives.
import * as vscode from 'vscode';
import { JobManager } from '../core/jobManager';
import { BackupsTree } from '../views/backupsTree';
import { InfrastructureTree } from '../views/infrastructureTree';
import { JobsTree } from '../views/jobsTree';
import { ConnectionStore } from './connectionStore';
import { VcbFileSystem } from './vcbFileSystem';
import { VcbSessions } from './vcbSessions';

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
  /** The VCB hosts' sessions and mounts, and the vmbackup-vcb: file system over them. */
  vcb: VcbSessions;
  vcbFiles: VcbFileSystem;
}
