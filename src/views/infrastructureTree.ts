// Infrastructure: connection → the provider's containers (Provider.listChildren) → VMs → snapshots. Lazy, cached per
// node, paged, errors as nodes. Items and menus follow the connection's capabilities (contextTokens.ts).
import * as vscode from 'vscode';
import { pinRequestFromError } from '../core/pinRequest';
import { Job } from '../core/job';
import { JobManager } from '../core/jobManager';
import { Capabilities, ContainerInfo, SnapshotInfo, VmInfo } from '../core/model';
import { InventoryChange, LiveInventory, isLiveInventory } from '../core/inventoryEvents';
import { pollingInventory } from '../core/pollingInventory';
import { Provider } from '../core/provider';
import { formatProgress } from '../core/progress';
import { mask } from '../core/secrets';
import { ConnectionStore } from '../ui/connectionStore';
import { ageText, dateText } from '../ui/format';
import { BackupsTree } from './backupsTree';
import { ChildrenCache, forgetBelow } from './childrenCache';
import { errorItem, loadMoreItem } from './treeItems';
import { ConnectionNode, ErrorNode, InfraNode, LoadMoreNode, PAGE_SIZE, contextValue } from './nodes';
import { containerTokens, snapshotTokens, vmTokens } from './contextTokens';
import { escapeControlChars as esc } from '../core/controlChars';
import { VcbBranch } from './vcbNodes';
import { isVcbNode } from './vcbNodeTypes';
import { vcbConnectionTokens, vcbVmTokens } from './vcbTokens';
import { ConnectionFailure, connectionFailureOf, failureDescription } from './connectionFailure';
import { CONTAINER_ICONS, IconSpec, connectionIcon, snapshotIcon, vmIcon } from './icons';
import { TooltipRow, hostNameOf, vmTooltipRows } from './vmTooltip';
import { storageChildren, storageGroupNode, storageTreeItem } from './storageNodes';

const themeIcon = (i: IconSpec) => new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);

/** A tooltip of labelled rows under a bold title; every value goes in as text (Markdown in names stays literal). */
function rowsTooltip(title: string, rows: TooltipRow[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(esc(title));
  md.appendMarkdown('**\n\n');
  for (const r of rows) {
    md.appendMarkdown(`${r.label}: `);
    md.appendText(esc(r.value));
    md.appendMarkdown('  \n');
  }
  return md;
}

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
  /** Connection name → why it failed (login, certificate, unreachable): shown on its node until a load succeeds. */
  private readonly failures = new Map<string, ConnectionFailure>();
  /** Repaints the VM rows' backup ages ("backup 3 min ago") while the view is visible. */
  private clock: NodeJS.Timeout | undefined;
  /** Keys of the VM nodes whose row shows a backup's age (what the clock repaints). */
  private readonly aged = new Set<string>();
  /** Between two repaints of the backup ages, ms. */
  static readonly CLOCK_MS = 30_000;
  /** Between two listings of a platform without an event stream (Oracle VM), while the view is visible, ms. */
  pollMs = 30_000;
  /** The VCB hosts of VMware connections and what is under them (vcbNodes.ts); set at activation. */
  vcb?: VcbBranch;

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
      this.failures.clear();
      this.cache.invalidate();
      this.shown.clear();
      this.nodes.clear();
      this.aged.clear();
      this.emitter.fire(undefined);
      return;
    }
    if (node.kind === 'connection') this.failures.delete(node.connection);
    this.cache.invalidate(node.key);
    forgetBelow(this.shown, node.key);
    this.emitter.fire(this.nodes.has(node.key) ? this.nodes.get(node.key) : undefined);
  }

  /** Why connection `name` failed (login, certificate, unreachable), while its node shows it. */
  failureOf(name: string): ConnectionFailure | undefined {
    return this.failures.get(name);
  }

  /**
   * A load below connection `name` failed on the connection itself: its node shows the failure, and the rows below
   * it, read before, are dropped (they are no longer known to be true). After the load that failed has returned, so
   * that nothing of it is cached below the connection; a failed load of the connection's own level caches no rows.
   */
  private connectionFailed(name: string, failure: ConnectionFailure, at: InfraNode): void {
    this.failures.set(name, failure);
    const key = connKey(name);
    const conn = this.nodes.get(key);
    if (conn?.kind === 'connection') conn.failure = failure;
    setTimeout(() => {
      if (at.kind !== 'connection') {
        this.cache.invalidate(key);
        forgetBelow(this.shown, key);
        for (const k of [...this.nodes.keys()]) if (k.startsWith(key + '/')) this.nodes.delete(k);
      }
      this.emitter.fire(conn ?? undefined);
    }, 0);
  }

  /** A load of connection `name` succeeded: a failure its node showed is gone. */
  private connectionWorks(name: string): void {
    if (!this.failures.delete(name)) return;
    const conn = this.nodes.get(connKey(name));
    if (conn?.kind === 'connection') conn.failure = undefined;
    setTimeout(() => this.emitter.fire(conn ?? undefined), 0);
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
    if (isVcbNode(node)) return this.vcb!.item(node);
    switch (node.kind) {
      case 'connection': {
        const profile = this.connections.get(node.connection);
        const failure = this.failures.get(node.connection);
        const item = new vscode.TreeItem(node.connection, C.Collapsed);
        item.id = node.key;
        const where = profile ? `${profile.username} @ ${profile.url}` : '';
        item.description = failure ? esc(failureDescription(failure)) : where;
        item.iconPath = themeIcon(connectionIcon(failure));
        if (failure) {
          const md = new vscode.MarkdownString();
          md.appendText(esc(failure.message));
          md.appendMarkdown('\n\n');
          md.appendText(`${where} · Refresh to try again${failure.untrusted ? ', or Pin This Certificate…' : ''}.`);
          item.tooltip = md;
        } else item.tooltip = where;
        item.contextValue = contextValue(
          'connection',
          failure && 'failed',
          failure && 'canRetry',
          failure?.untrusted && 'canPinCertificate',
          vcbConnectionTokens(profile),
        );
        return item;
      }
      case 'container': {
        const c = node.container;
        const item = new vscode.TreeItem(esc(c.name || c.id), C.Collapsed);
        item.id = node.key;
        item.description = c.detail ? esc(c.detail) : undefined;
        item.iconPath = themeIcon({ id: CONTAINER_ICONS[c.icon] ?? 'folder' });
        item.contextValue = containerTokens(c, node.caps);
        return item;
      }
      case 'vm': {
        const vm = node.vm;
        const item = new vscode.TreeItem(esc(vm.name), vm.snapshotCount > 0 ? C.Collapsed : C.None);
        const last = this.backups.lastBackup(node.connection, vm.uuid);
        if (last?.created) this.aged.add(node.key);
        else this.aged.delete(node.key);
        this.tick();
        item.id = itemId(node.key, vm.snapshotCount > 0);
        item.description = esc(
          `${vm.powerState}${vm.suspendDiskMissing ? ' (suspend disk missing)' : ''}${vm.operations?.length ? ` · ${vm.operations.join(', ')}…` : ''} · ${last?.created ? 'backup ' + ageText(last.created) : 'no backup'}`,
        );
        item.tooltip = rowsTooltip(vm.name, vmTooltipRows(vm, hostNameOf(vm, node.path), last));
        item.iconPath = themeIcon(vmIcon(vm));
        item.contextValue = contextValue(vmTokens(vm, node.caps), vcbVmTokens(this.connections.get(node.connection)));
        return item;
      }
      case 'snapshot': {
        const s = node.snapshot;
        const hasChildren = node.all.some((x) => x.parentId === s.id);
        const item = new vscode.TreeItem(esc(s.name), hasChildren ? C.Expanded : C.None);
        item.id = itemId(node.key, hasChildren);
        item.description = `${dateText(s.time)}${s.isCurrent ? ' · You are here' : ''}${s.madeByUs ? ' · by VM Backup Explorer' : ''}`;
        item.tooltip = s.isCurrent
          ? `${esc(s.name)}: you are here (the VM's current state is based on this snapshot)`
          : undefined;
        item.iconPath = themeIcon(snapshotIcon(s));
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
        const failure = node && 'connection' in node ? connectionFailureOf(err, node.connection) : undefined;
        if (failure && node && 'connection' in node) {
          this.connectionFailed(node.connection, failure, node);
          children = [];
        } else children = [this.errorNode(key, err, node)];
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
          failure: this.failures.get(c.name),
        })),
      ];
    }
    if (isVcbNode(node)) return this.vcb ? this.vcb.children(node) : [];
    // A connection that failed stays failed until Refresh (refresh() forgets the failure): no row is read below it, and
    // no load retried by the cache logs in again (after a refused login that would ask for the password unasked).
    if ('connection' in node && this.failures.has(node.connection)) return [];
    switch (node.kind) {
      case 'connection':
      case 'container': {
        const vcbHosts =
          node.kind === 'connection'
            ? (this.vcb?.hostNodes(node.key, this.connections.get(node.connection)) ?? [])
            : [];
        const provider = await this.connections.provider(node.connection);
        if (node.kind === 'connection') this.follow(node.connection, provider);
        const parent = node.kind === 'container' ? node.container : undefined;
        const path = node.kind === 'container' ? [...node.path, node.container] : [];
        const items = await provider.listChildren(parent && { kind: parent.kind, id: parent.id });
        this.connectionWorks(node.connection);
        // A connection ends with its Storage group (storageNodes.ts), then its VCB hosts.
        const storage = parent ? [] : [storageGroupNode(node.key, node.connection, provider.capabilities)];
        if (!items.length)
          return [
            message(node.key, parent ? `Nothing in this ${parent.kind}` : 'Empty inventory'),
            ...storage,
            ...vcbHosts,
          ];
        return [
          ...items.map((i) =>
            i.type === 'container'
              ? this.containerNode(node.key, node.connection, i, path, provider.capabilities)
              : this.vmNode(node.key, node.connection, i.vm, path, provider.capabilities),
          ),
          ...storage,
          ...vcbHosts,
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
    this.tick();
    // The rows kept their text while hidden: their ages are stale now.
    if (visible) this.repaintAged();
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

  /**
   * Runs the clock while the view is visible and some row shows a backup's age: every CLOCK_MS those rows repaint, so
   * "backup 3 s ago" stays true. Stopped while the view is hidden.
   */
  private tick(): void {
    const run = this.visible && this.aged.size > 0;
    if (run && !this.clock) this.clock = setInterval(() => this.repaintAged(), InfrastructureTree.CLOCK_MS).unref();
    else if (!run && this.clock) {
      clearInterval(this.clock);
      this.clock = undefined;
    }
  }

  /** Repaints the rows that show a backup's age. */
  private repaintAged(): void {
    const rows = [...this.aged].map((k) => this.nodes.get(k)).filter((n): n is InfraNode => !!n);
    if (rows.length) this.emitter.fire(rows);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.clock) clearInterval(this.clock);
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
