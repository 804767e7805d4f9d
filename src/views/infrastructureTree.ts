// Infrastructure: connection → the provider's containers (Provider.listChildren) → VMs → snapshots. Lazy, cached per
// node, paged, errors as nodes. Items and menus follow the connection's capabilities (contextTokens.ts).
import * as vscode from 'vscode';
import { pinRequestFromError } from '../core/pinRequest';
import { Job } from '../core/job';
import { JobManager } from '../core/jobManager';
import { Capabilities, ContainerIcon, ContainerInfo, PowerState, SnapshotInfo, VmInfo } from '../core/model';
import { InventoryChange, LiveInventory, isLiveInventory } from '../core/inventoryEvents';
import { pollingInventory } from '../core/pollingInventory';
import { Provider } from '../core/provider';
import { formatProgress } from '../core/progress';
import { mask } from '../core/secrets';
import { ConnectionStore } from '../ui/connectionStore';
import { ageText } from '../ui/format';
import { BackupsTree } from './backupsTree';
import { ChildrenCache, forgetBelow } from './childrenCache';
import { errorItem, loadMoreItem } from './treeItems';
import { ConnectionNode, ErrorNode, InfraNode, LoadMoreNode, PAGE_SIZE, contextValue } from './nodes';
import { containerTokens, snapshotTokens, vmTokens } from './contextTokens';
import { escapeControlChars as esc } from '../core/controlChars';
import { storageChildren, storageGroupNode, storageTreeItem } from './storageNodes';

const POWER_ICONS: Record<PowerState, string> = {
  running: 'vm-running',
  halted: 'vm-outline',
  suspended: 'debug-pause',
  paused: 'debug-pause',
  unknown: 'question',
};
const CONTAINER_ICONS: Record<ContainerIcon, string> = {
  pool: 'server-environment',
  host: 'server',
  datacenter: 'globe',
  cluster: 'layers',
  folder: 'folder',
  resourcePool: 'symbol-namespace',
};

export class InfrastructureTree implements vscode.TreeDataProvider<InfraNode>, vscode.Disposable {
  private readonly cache = new ChildrenCache<InfraNode>();
  private readonly shown = new Map<string, number>();
  private readonly nodes = new Map<string, InfraNode>();
  /** Object id (VM, host, pool, snapshot, connection key) → job working on it. */
  private readonly busy = new Map<string, Job>();
  private readonly emitter = new vscode.EventEmitter<InfraNode | InfraNode[] | undefined>();
  /** Ids of the objects whose nodes must be repainted (a job's spinner and progress came or went). */
  private readonly repaintIds = new Set<string>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /**
   * Connection name → the provider whose inventory the tree follows (its own event stream, or a poll of its VMs when
   * it has none), and how to stop following it (undefined while the view is hidden).
   */
  private readonly live = new Map<string, { provider: unknown; inventory: LiveInventory; stop?: () => void }>();
  private visible = true;
  /** Between two listings of a platform without an event stream (Oracle VM), while the view is visible, ms. */
  pollMs = 30_000;

  constructor(
    private readonly connections: ConnectionStore,
    private readonly jobs: JobManager,
    private readonly backups: BackupsTree,
  ) {
    this.disposables.push(connections.onDidChange(() => this.refresh()));
    const onJob = () => this.scheduleRepaint(this.busy.keys());
    jobs.on('change', onJob);
    this.disposables.push({ dispose: () => jobs.off('change', onJob) });
  }

  /** Shows a spinner and the job's progress on the nodes with these ids until the job ends. */
  markBusy(ids: string[], job: Job): void {
    for (const id of ids) this.busy.set(id, job);
    job.once('done', () => {
      for (const id of ids) if (this.busy.get(id) === job) this.busy.delete(id);
      this.scheduleRepaint(ids);
    });
    this.scheduleRepaint(ids);
  }

  /** Clears the cached children of a node (and below), or everything. */
  refresh(node?: InfraNode): void {
    if (!node || node.kind === 'message' || node.kind === 'error' || node.kind === 'loadMore') {
      const parent = node && node.kind === 'error' ? node.parent : undefined;
      if (parent) return this.refresh(parent as InfraNode);
      this.cache.invalidate();
      this.shown.clear();
      this.nodes.clear();
      this.emitter.fire(undefined);
      return;
    }
    this.cache.invalidate(node.key);
    forgetBelow(this.shown, node.key);
    this.emitter.fire(this.nodes.has(node.key) ? this.nodes.get(node.key) : undefined);
  }

  /** Drops the cache of the connection a node belongs to (after a job changed the inventory). */
  refreshConnection(connection: string): void {
    this.refresh({ kind: 'connection', key: connKey(connection), connection });
  }

  loadMore(node: LoadMoreNode): void {
    this.shown.set(node.parentKey, (this.shown.get(node.parentKey) ?? PAGE_SIZE) + PAGE_SIZE);
    this.emitter.fire(this.nodes.get(node.parentKey));
  }

  /**
   * Repaints only the nodes of these objects, at most every 200 ms. Never the whole tree: that drops the handles of
   * every node, and a context menu opened meanwhile would run its command without its node (a picker instead).
   */
  private scheduleRepaint(ids: Iterable<string>): void {
    for (const id of ids) this.repaintIds.add(id);
    if (this.timer || !this.repaintIds.size) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const nodes = [...this.nodes.values()].filter((n) => {
        const id = busyId(n);
        return id !== undefined && this.repaintIds.has(id);
      });
      this.repaintIds.clear();
      if (nodes.length) this.emitter.fire(nodes);
    }, 200);
  }

  getTreeItem(node: InfraNode): vscode.TreeItem {
    const item = this.item(node);
    const id = busyId(node);
    const job = id ? this.busy.get(id) : undefined;
    if (job && !job.finished) {
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      item.description = `${esc(job.record.title)}${job.record.progress ? ' · ' + formatProgress(job.record.progress) : ''}`;
    }
    return item;
  }

  private item(node: InfraNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'connection': {
        const profile = this.connections.get(node.connection);
        const item = new vscode.TreeItem(node.connection, C.Collapsed);
        item.id = node.key;
        item.description = profile ? `${profile.username} @ ${profile.url}` : '';
        item.iconPath = new vscode.ThemeIcon('plug');
        item.contextValue = contextValue('connection');
        return item;
      }
      case 'container': {
        const c = node.container;
        const item = new vscode.TreeItem(esc(c.name || c.id), C.Collapsed);
        item.id = node.key;
        item.description = c.detail ? esc(c.detail) : undefined;
        item.iconPath = new vscode.ThemeIcon(CONTAINER_ICONS[c.icon] ?? 'folder');
        item.contextValue = containerTokens(c, node.caps);
        return item;
      }
      case 'vm': {
        const vm = node.vm;
        const item = new vscode.TreeItem(esc(vm.name), vm.snapshotCount > 0 ? C.Collapsed : C.None);
        const last = this.backups.lastBackup(node.connection, vm.uuid);
        item.id = itemId(node.key, vm.snapshotCount > 0);
        item.description = esc(
          `${vm.powerState}${vm.suspendDiskMissing ? ' (suspend disk missing)' : ''}${vm.operations?.length ? ` · ${vm.operations.join(', ')}…` : ''} · ${last?.created ? 'backup ' + ageText(last.created) : 'no backup'}`,
        );
        item.tooltip = new vscode.MarkdownString(
          `**${esc(vm.name)}**\n\nUUID: \`${esc(vm.uuid)}\`\n\nPower: ${esc(vm.powerState)}${vm.vcpus ? `\n\nvCPUs: ${vm.vcpus}` : ''}${vm.description ? `\n\n${esc(vm.description)}` : ''}`,
        );
        item.iconPath = new vscode.ThemeIcon(vm.suspendDiskMissing ? 'warning' : (POWER_ICONS[vm.powerState] ?? 'vm'));
        item.contextValue = vmTokens(vm, node.caps);
        return item;
      }
      case 'snapshot': {
        const s = node.snapshot;
        const hasChildren = node.all.some((x) => x.parentId === s.id);
        const item = new vscode.TreeItem(esc(s.name), hasChildren ? C.Expanded : C.None);
        item.id = itemId(node.key, hasChildren);
        item.description = `${s.time.toLocaleString()}${s.isCurrent ? ' · You are here' : ''}${s.madeByUs ? ' · by VM Backup Explorer' : ''}`;
        item.iconPath = new vscode.ThemeIcon(s.isCurrent ? 'pass-filled' : 'history');
        item.contextValue = snapshotTokens(s, node.all, node.caps);
        return item;
      }
      case 'storageGroup':
      case 'storage':
      case 'storageItem':
        return storageTreeItem(node);
      case 'error':
        return errorItem(node, 'vmbackup.refresh');
      case 'message': {
        const item = new vscode.TreeItem(esc(node.message), C.None);
        item.iconPath = node.icon ? new vscode.ThemeIcon(node.icon) : undefined;
        item.contextValue = 'message';
        return item;
      }
      case 'loadMore':
        return loadMoreItem(node);
    }
  }

  getParent(): undefined {
    return undefined;
  }

  async getChildren(node?: InfraNode): Promise<InfraNode[]> {
    const key = node ? node.key : '';
    const all = await this.cache.get(key, async () => {
      let children: InfraNode[];
      try {
        children = await this.load(node);
      } catch (err) {
        children = [this.errorNode(key, err, node)];
      }
      for (const n of children) this.nodes.set(n.key, n);
      return children;
    });
    const limit = this.shown.get(key) ?? PAGE_SIZE;
    if (all.length <= limit) return all;
    return [...all.slice(0, limit), { kind: 'loadMore', key: `${key}/more`, parentKey: key, tree: 'infrastructure' }];
  }

  private async load(node?: InfraNode): Promise<InfraNode[]> {
    if (!node) {
      const errors = this.connections.errors.map((e, i): InfraNode => ({
        kind: 'error',
        key: `err:${i}`,
        message: `connections.yaml: ${e}`,
      }));
      return [
        ...errors,
        ...this.connections.connections.map((c): ConnectionNode => ({
          kind: 'connection',
          key: connKey(c.name),
          connection: c.name,
        })),
      ];
    }
    switch (node.kind) {
      case 'connection':
      case 'container': {
        const provider = await this.connections.provider(node.connection);
        if (node.kind === 'connection') this.follow(node.connection, provider);
        const parent = node.kind === 'container' ? node.container : undefined;
        const path = node.kind === 'container' ? [...node.path, node.container] : [];
        const items = await provider.listChildren(parent && { kind: parent.kind, id: parent.id });
        // A connection ends with its Storage group (storageNodes.ts).
        const storage = parent ? [] : [storageGroupNode(node.key, node.connection, provider.capabilities)];
        if (!items.length)
          return [message(node.key, parent ? `Nothing in this ${parent.kind}` : 'Empty inventory'), ...storage];
        return [
          ...items.map((i) =>
            i.type === 'container'
              ? this.containerNode(node.key, node.connection, i, path, provider.capabilities)
              : this.vmNode(node.key, node.connection, i.vm, path, provider.capabilities),
          ),
          ...storage,
        ];
      }
      case 'storageGroup':
      case 'storage':
        return storageChildren(node, await this.connections.provider(node.connection));
      case 'vm': {
        const provider = await this.connections.provider(node.connection);
        const all = await provider.listSnapshots(node.vm.id);
        if (!all.length) return [message(node.key, 'No snapshots')];
        const ids = new Set(all.map((s) => s.id));
        return snapshotNodes(
          node,
          all,
          all.filter((s) => !s.parentId || !ids.has(s.parentId)),
          node.key,
        );
      }
      case 'snapshot':
        return snapshotNodes(
          node,
          node.all,
          node.all.filter((s) => s.parentId === node.snapshot.id),
          node.key,
        );
      default:
        return [];
    }
  }

  /**
   * Follows a connection's inventory (once per provider): its events (Xen event.from, vSphere WaitForUpdatesEx), or a
   * poll of its VMs every pollMs for a platform without them; the nodes they concern repaint by themselves. Only
   * while the view is visible (setVisible).
   */
  private follow(connection: string, provider: unknown): void {
    const current = this.live.get(connection);
    if (current?.provider === provider) return;
    current?.stop?.();
    const inventory = isLiveInventory(provider)
      ? provider
      : pollingInventory(() => (provider as Provider).listVms(), { intervalMs: this.pollMs });
    const entry: { provider: unknown; inventory: LiveInventory; stop?: () => void } = { provider, inventory };
    this.live.set(connection, entry);
    if (this.visible) entry.stop = inventory.watch((change) => this.applyChange(connection, change));
  }

  /**
   * The view was shown or hidden (TreeView.onDidChangeVisibility): event streams and polls run only while it is
   * visible; when it shows again they resume and report what changed meanwhile.
   */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    for (const [connection, entry] of this.live) {
      if (!visible) {
        entry.stop?.();
        entry.stop = undefined;
      } else entry.stop ??= entry.inventory.watch((change) => this.applyChange(connection, change));
    }
  }

  /**
   * Repaints only what an event changed: a VM's node (its row: power state, busy, snapshot count) with the new VmInfo;
   * the children of a container or VM whose children changed (a new VM, a VM that moved, a new snapshot). A reload of
   * the records (EVENTS_LOST, a new session) reloads the connection's subtree.
   */
  applyChange(connection: string, change: InventoryChange): void {
    if (change.all) return this.refreshConnection(connection);
    const byId = new Map(change.vms.map((v) => [v.id, v]));
    const rows: InfraNode[] = [];
    const parents = new Set(change.childrenOf);
    const reload = new Set<InfraNode>();
    for (const node of [...this.nodes.values()]) {
      if (!('connection' in node) || node.connection !== connection) continue;
      const id = busyId(node);
      if (node.kind === 'vm' && byId.has(node.vm.id)) {
        const vm = byId.get(node.vm.id)!;
        // A VM that gets its first snapshot (or loses its last) changes its item id (itemId): its parent lists it again.
        const parent =
          node.vm.snapshotCount > 0 !== vm.snapshotCount > 0
            ? this.nodes.get(node.key.slice(0, node.key.lastIndexOf('/v:')))
            : undefined;
        node.vm = vm;
        if (parent) reload.add(parent);
        else if (!parents.has(vm.id)) rows.push(node);
      }
      if (id !== undefined && parents.has(id) && (node.kind === 'container' || node.kind === 'vm')) reload.add(node);
    }
    for (const node of reload) this.refresh(node);
    if (!rows.length) return;
    // A listing under way may have read the VMs before this change: it must not be cached (ChildrenCache.touch).
    this.cache.touch();
    this.emitter.fire(rows);
  }

  private errorNode(key: string, err: unknown, parent?: InfraNode): ErrorNode {
    const untrusted = pinRequestFromError(err, parent && 'connection' in parent ? parent.connection : undefined);
    return {
      kind: 'error',
      key: `${key}/error`,
      message: mask((err as Error)?.message ?? String(err)),
      parent,
      untrusted,
    };
  }

  private containerNode(
    key: string,
    connection: string,
    container: ContainerInfo,
    path: ContainerInfo[],
    caps: Capabilities,
  ): InfraNode {
    return { kind: 'container', key: `${key}/c:${container.kind}:${container.id}`, connection, container, path, caps };
  }

  private vmNode(key: string, connection: string, vm: VmInfo, path: ContainerInfo[], caps: Capabilities): InfraNode {
    return { kind: 'vm', key: `${key}/v:${vm.id}`, connection, path, vm, caps };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const l of this.live.values()) l.stop?.();
    this.live.clear();
    for (const d of this.disposables) d.dispose();
  }
}

export const connKey = (name: string) => `c:${name}`;

function snapshotNodes(
  node: { connection: string; path: ContainerInfo[]; vm: VmInfo; caps: Capabilities },
  all: SnapshotInfo[],
  level: SnapshotInfo[],
  key: string,
): InfraNode[] {
  return [...level]
    .sort((a, b) => a.time.getTime() - b.time.getTime())
    .map((snapshot) => ({
      kind: 'snapshot',
      key: `${key}/s:${snapshot.id}`,
      connection: node.connection,
      path: node.path,
      vm: node.vm,
      snapshot,
      all,
      caps: node.caps,
    }));
}

function busyId(node: InfraNode): string | undefined {
  switch (node.kind) {
    case 'connection':
      return node.key;
    case 'container':
      return node.container.id;
    case 'vm':
      return node.vm.id;
    case 'snapshot':
      return node.snapshot.id;
    default:
      return undefined;
  }
}

/**
 * VS Code keeps the view state of a known id: a VM or snapshot that was a leaf keeps its leaf state once it gets its
 * first snapshot, hiding the snapshot just taken. A node with children gets an id of its own.
 */
const itemId = (key: string, hasChildren: boolean) => (hasChildren ? `${key}/parent` : key);

const message = (key: string, text: string): InfraNode => ({
  kind: 'message',
  key: `${key}/msg`,
  message: text,
  icon: 'info',
});
