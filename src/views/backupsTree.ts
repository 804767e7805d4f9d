// Backups: repository (per connection) → VM name / "Pool metadata" / "Host backups" → entries.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST } from '../core/manifest';
import { formatBytes } from '../core/progress';
import { BackupRepository, CatalogEntry } from '../core/repository';
import { mask } from '../core/secrets';
import { ConnectionStore } from '../ui/connectionStore';
import { errorItem, loadMoreItem } from './treeItems';
import { BackupEntryNode, BackupNode, LoadMoreNode, PAGE_SIZE, RepositoryNode, contextValue } from './nodes';
import { escapeControlChars as esc } from '../core/controlChars';
import { dateText } from '../ui/format';

const POOL_GROUP = 'Pool metadata';
const HOST_GROUP = 'Host backups';

export class BackupsTree implements vscode.TreeDataProvider<BackupNode>, vscode.Disposable {
  private readonly catalogs = new Map<string, CatalogEntry[]>();
  private readonly shown = new Map<string, number>();
  private readonly emitter = new vscode.EventEmitter<BackupNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly connections: ConnectionStore) {
    this.disposables.push(connections.onDidChange(() => this.refresh()));
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vmbackup.defaultRepository')) this.refresh();
      }),
    );
  }

  refresh(): void {
    this.catalogs.clear();
    this.shown.clear();
    this.emitter.fire(undefined);
  }

  loadMore(node: LoadMoreNode): void {
    this.shown.set(node.parentKey, (this.shown.get(node.parentKey) ?? PAGE_SIZE) + PAGE_SIZE);
    this.emitter.fire(undefined);
  }

  /** Repository roots with the connections that use them. */
  repositories(): RepositoryNode[] {
    const roots = new Map<string, string[]>();
    for (const c of this.connections.connections) {
      const root = this.connections.repositoryFor(c.name);
      if (root) roots.set(root, [...(roots.get(root) ?? []), c.name]);
    }
    const fallback = this.connections.repositoryFor();
    if (fallback && !roots.has(fallback)) roots.set(fallback, []);
    return [...roots].map(([root, connections]) => ({ kind: 'repository', key: `r:${root}`, root, connections }));
  }

  /** Every backup of a repository, newest first (cached until refresh()). */
  catalog(root: string): CatalogEntry[] {
    let entries = this.catalogs.get(root);
    if (!entries) {
      entries = new BackupRepository(root).list();
      this.catalogs.set(root, entries);
    }
    return entries;
  }

  /** Newest backup of a VM in its connection's repository. */
  lastBackup(connection: string, vmUuid: string): CatalogEntry | undefined {
    const root = this.connections.repositoryFor(connection);
    if (!root) return undefined;
    try {
      return this.catalog(root).find((e) => e.vmUuid === vmUuid && (e.kind === 'vm' || e.kind === 'vm-metadata'));
    } catch {
      return undefined;
    }
  }

  getTreeItem(node: BackupNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'repository': {
        const item = new vscode.TreeItem(path.basename(node.root) || node.root, C.Expanded);
        item.id = node.key;
        item.description = node.connections.length ? node.connections.join(', ') : 'default repository';
        item.tooltip = node.root;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = 'repository';
        item.resourceUri = vscode.Uri.file(node.root);
        return item;
      }
      case 'backupGroup': {
        const item = new vscode.TreeItem(esc(node.label), C.Collapsed);
        item.id = node.key;
        item.description = `${node.entries.length}`;
        item.iconPath = new vscode.ThemeIcon(
          node.label === POOL_GROUP ? 'server-environment' : node.label === HOST_GROUP ? 'server' : 'vm',
        );
        item.contextValue = 'backupGroup';
        return item;
      }
      case 'backup': {
        const e = node.entry;
        const bytes = e.files.reduce((n, f) => n + f.bytes, 0);
        const item = new vscode.TreeItem(e.created ? dateText(e.created) : esc(e.label), C.None);
        item.id = node.key;
        item.description = `${e.kind === 'foreign' ? 'foreign ' + (isPoolEntry(e) ? 'pool dump' : 'xva') : e.kind === 'vcb' ? 'VCB full VM' : e.kind} · ${formatBytes(bytes)}`;
        item.tooltip = esc(
          `${e.label}\n${path.join(node.root, e.id)}${e.connection ? '\nconnection: ' + e.connection : ''}`,
          true,
        );
        item.iconPath = new vscode.ThemeIcon(
          e.manifest ? 'archive' : e.kind === 'vcb' ? 'file-directory' : 'file-binary',
        );
        item.contextValue = entryContext(e);
        if (e.catalogFile) {
          item.command = { command: 'vmbackup.openCatalog', title: 'Open Catalog', arguments: [node] };
          return item;
        }
        const target = e.manifest
          ? vscode.Uri.file(path.join(e.dir, MANIFEST))
          : vscode.Uri.file(path.join(node.root, e.id));
        item.command = e.manifest
          ? { command: 'vscode.open', title: 'Open manifest', arguments: [target] }
          : { command: 'revealFileInOS', title: 'Reveal', arguments: [target] };
        return item;
      }
      case 'error':
        return errorItem(node, 'vmbackup.refresh');
      case 'message': {
        const item = new vscode.TreeItem(esc(node.message), C.None);
        item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
        item.contextValue = 'message';
        return item;
      }
      case 'loadMore':
        return loadMoreItem(node);
    }
  }

  getChildren(node?: BackupNode): BackupNode[] {
    if (!node) {
      const repos = this.repositories();
      return repos.length
        ? repos
        : [
            {
              kind: 'message',
              key: 'none',
              message: 'No backup repository: set "repository" in connections.yaml or vmbackup.defaultRepository',
            },
          ];
    }
    if (node.kind === 'repository') {
      let entries: CatalogEntry[];
      try {
        entries = this.catalog(node.root);
      } catch (err) {
        return [{ kind: 'error', key: `${node.key}/error`, message: mask((err as Error).message), parent: node }];
      }
      if (!entries.length) return [{ kind: 'message', key: `${node.key}/empty`, message: 'No backups yet' }];
      const groups = new Map<string, CatalogEntry[]>();
      for (const e of entries) {
        const g = isPoolEntry(e) ? POOL_GROUP : e.kind === 'host' ? HOST_GROUP : (e.vmName ?? e.label);
        groups.set(g, [...(groups.get(g) ?? []), e]);
      }
      const order = (l: string) => (l === POOL_GROUP ? 0 : l === HOST_GROUP ? 1 : 2);
      return [...groups]
        .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
        .map(([label, list]) => ({
          kind: 'backupGroup',
          key: `${node.key}/g:${label}`,
          root: node.root,
          label,
          entries: list,
        }));
    }
    if (node.kind === 'backupGroup') {
      const connections = this.repositories().find((r) => r.root === node.root)?.connections ?? [];
      const all: BackupEntryNode[] = node.entries.map((entry) => ({
        kind: 'backup',
        key: `${node.key}/b:${entry.id}`,
        root: node.root,
        entry,
        connections,
      }));
      const limit = this.shown.get(node.key) ?? PAGE_SIZE;
      return all.length <= limit
        ? all
        : [...all.slice(0, limit), { kind: 'loadMore', key: `${node.key}/more`, parentKey: node.key, tree: 'backups' }];
    }
    return [];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function isPoolEntry(e: CatalogEntry): boolean {
  return e.kind === 'pool-metadata' || (e.kind === 'foreign' && !e.vmName);
}

/** A VCB backup this product pulled into the repository (manifest platform `vcb`): restored through a VCB host. */
export function isVcbRepositoryBackup(e: CatalogEntry): boolean {
  return e.manifest?.platform === 'vcb';
}

export function entryContext(e: CatalogEntry): string {
  const verify = !!e.manifest && 'canVerify';
  // Not canRestore: the platform's own restore would read vcbMounter's export as one of its backups.
  if (isVcbRepositoryBackup(e)) return contextValue('backup', 'vcb', 'canVcbRestoreBackup', verify);
  if (isPoolEntry(e)) return contextValue('backup', 'pool-metadata', 'canRestoreMetadata', verify);
  if (e.kind === 'host') return contextValue('backup', 'host', verify);
  if (e.kind === 'vcb') return contextValue('backup', 'vcb', !!e.catalogFile && 'canOpenCatalog');
  return contextValue('backup', 'vm', e.kind !== 'vm-metadata' && 'canRestore', verify);
}
