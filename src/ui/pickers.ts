// Palette fallbacks: quick picks of connection → container/VM/snapshot/backup when a command has no node, offering only
// what the connection's capabilities and the object's state allow (the tokens of contextTokens.ts, as the menus do).
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { Job, JobRecord } from '../core/job';
import { CatalogEntry } from '../core/repository';
import { ContainerInfo } from '../core/model';
import { Provider } from '../core/provider';
import { BackupEntryNode, ContainerNode, SnapshotNode, VmNode } from '../views/nodes';
import { hasToken, snapshotTokens, vmTokens } from '../views/contextTokens';
import { CommandContext } from './commandContext';
import { escapeControlChars as esc } from '../core/controlChars';
import { dateText } from './format';

/** A quick-pick item as shown: its label, description and detail (vendor names) with control characters escaped. */
function shown<I extends vscode.QuickPickItem>(i: I): I {
  return {
    ...i,
    label: esc(i.label),
    description: i.description === undefined ? undefined : esc(i.description),
    detail: i.detail === undefined ? undefined : esc(i.detail),
  };
}

export async function pick<T>(
  items: Array<vscode.QuickPickItem & { value: T }>,
  title: string,
  placeHolder?: string,
): Promise<T> {
  if (!items.length) throw new Error(`${title}: nothing to choose from`);
  const chosen = await vscode.window.showQuickPick(items.map(shown), {
    title: esc(title),
    placeHolder,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!chosen) throw new CancelledError();
  return chosen.value;
}

async function pickMany<T>(items: Array<vscode.QuickPickItem & { value: T }>, title: string): Promise<T[]> {
  if (!items.length) throw new Error(`${title}: nothing to choose from`);
  const chosen = await vscode.window.showQuickPick(items.map(shown), {
    title: esc(title),
    canPickMany: true,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!chosen?.length) throw new CancelledError();
  return chosen.map((c) => c.value);
}

export async function pickConnection(ctx: CommandContext, title = 'Connection'): Promise<string> {
  const list = ctx.connections.connections;
  if (list.length === 1) return list[0].name;
  if (!list.length) throw new Error('No connection yet: run "VM Backup: Add Connection" first');
  return pick(
    list.map((c) => ({ label: c.name, description: `${c.username} @ ${c.url}`, value: c.name })),
    title,
  );
}

/** How deep the pickers look for containers (vSphere: datacenter → cluster → host → resource pool). */
const CONTAINER_DEPTH = 4;

/** Every container of a connection, top first, each with the containers above it. */
async function allContainers(p: Provider): Promise<Array<{ container: ContainerInfo; path: ContainerInfo[] }>> {
  const out: Array<{ container: ContainerInfo; path: ContainerInfo[] }> = [];
  let level: Array<{ container?: ContainerInfo; path: ContainerInfo[] }> = [{ path: [] }];
  for (let depth = 0; depth < CONTAINER_DEPTH && level.length; depth++) {
    const next: typeof out = [];
    for (const parent of level) {
      const items = await p.listChildren(parent.container && { kind: parent.container.kind, id: parent.container.id });
      const path = parent.container ? [...parent.path, parent.container] : [];
      for (const i of items) if (i.type === 'container') next.push({ container: i, path });
    }
    out.push(...next);
    level = next;
  }
  return out;
}

/** A container of one of `kinds` (the platform's words) on a connection; the only one without asking. */
export async function pickContainer(
  ctx: CommandContext,
  title: string,
  kinds: string[],
  connection?: string,
): Promise<ContainerNode> {
  connection ??= await pickConnection(ctx, title);
  const provider = await ctx.connections.provider(connection);
  const found = (await allContainers(provider)).filter((c) => kinds.includes(c.container.kind));
  const chosen =
    found.length === 1
      ? found[0]
      : await pick(
          found.map((c) => ({
            label: c.container.name || c.container.id,
            description: [...c.path.map((x) => x.name), c.container.kind].join(' · '),
            value: c,
          })),
          `${title} on "${connection}"`,
        );
  return { kind: 'container', key: '', connection, caps: provider.capabilities, ...chosen };
}

/** VMs of a connection whose tokens (contextTokens.vmTokens) pass `filter`, each with its host and top container. */
async function vmItems(ctx: CommandContext, title: string, filter: (n: VmNode) => boolean) {
  const connection = await pickConnection(ctx, title);
  const provider = await ctx.connections.provider(connection);
  const [containers, vms] = await Promise.all([allContainers(provider), provider.listVms()]);
  const pathOf = (id: string | undefined) => {
    const c = containers.find((x) => x.container.id === id);
    return c ? [...c.path, c.container] : undefined;
  };
  return vms
    .map((vm): VmNode => ({
      kind: 'vm',
      key: '',
      connection,
      path: pathOf(vm.hostId) ?? pathOf(vm.poolId) ?? [],
      vm,
      caps: provider.capabilities,
    }))
    .filter(filter)
    .sort((a, b) => a.vm.name.localeCompare(b.vm.name))
    .map((n) => ({
      label: n.vm.name,
      description: [n.vm.powerState, ...n.path.map((c) => c.name)].join(' · '),
      value: n,
    }));
}

/** A filter on a VM's tokens: the VMs a menu item with this `when` token would show on. */
export const withToken =
  (token: string) =>
  (n: VmNode): boolean =>
    hasToken(vmTokens(n.vm, n.caps), token);

export async function pickVm(
  ctx: CommandContext,
  title = 'VM',
  filter: (n: VmNode) => boolean = () => true,
): Promise<VmNode> {
  return pick(await vmItems(ctx, title, filter), title);
}

export async function pickVms(
  ctx: CommandContext,
  title = 'VMs',
  filter: (n: VmNode) => boolean = () => true,
): Promise<VmNode[]> {
  return pickMany(await vmItems(ctx, title, filter), title);
}

/** Snapshots of a VM whose tokens (contextTokens.snapshotTokens) have `token`, e.g. canRevert. */
export async function pickSnapshots(
  ctx: CommandContext,
  title: string,
  many: boolean,
  token = 'canDelete',
): Promise<SnapshotNode[]> {
  const vm = await pickVm(ctx, `${title}: VM`, (n) => n.vm.snapshotCount > 0 && withToken('canSnapshot')(n));
  const all = await (await ctx.connections.provider(vm.connection)).listSnapshots(vm.vm.id);
  const items = all
    .filter((snapshot) => hasToken(snapshotTokens(snapshot, all, vm.caps), token))
    .map((snapshot) => ({
      label: snapshot.name,
      description: `${dateText(snapshot.time)}${snapshot.isCurrent ? ' · You are here' : ''}`,
      value: { ...vm, kind: 'snapshot' as const, snapshot, all },
    }));
  return many
    ? pickMany(items, `${title}: snapshots of "${vm.vm.name}"`)
    : [await pick(items, `${title}: snapshot of "${vm.vm.name}"`)];
}

export async function pickBackups(
  ctx: CommandContext,
  title: string,
  filter: (e: CatalogEntry) => boolean,
  many = false,
): Promise<BackupEntryNode[]> {
  const items: Array<vscode.QuickPickItem & { value: BackupEntryNode }> = [];
  for (const repo of ctx.trees.backups.repositories()) {
    for (const entry of ctx.trees.backups.catalog(repo.root).filter(filter)) {
      items.push({
        label: entry.label,
        description: `${entry.kind} · ${entry.created ? dateText(entry.created) : ''}`,
        detail: `${repo.root} · ${entry.id}`,
        value: { kind: 'backup', key: '', root: repo.root, entry, connections: repo.connections },
      });
    }
  }
  if (!items.length) throw new Error(`${title}: no matching backups in the configured repositories`);
  return many ? pickMany(items, title) : [await pick(items, title)];
}

export async function pickJob(ctx: CommandContext, title: string, runningOnly: boolean): Promise<Job | JobRecord> {
  const running = ctx.jobs.jobs.map((j) => ({
    label: j.record.title,
    description: j.record.state,
    value: j as Job | JobRecord,
  }));
  const finished = runningOnly
    ? []
    : ctx.jobs.finished.map((r) => ({
        label: r.title,
        description: `${r.state} · ${r.finished ?? ''}`,
        value: r as Job | JobRecord,
      }));
  if (!running.length && !finished.length) throw new Error(runningOnly ? 'No running jobs' : 'No jobs yet');
  return pick([...running, ...finished], title);
}

/** The connection a backup belongs to: its manifest's connection, the repository's only connection, or a pick. */
export async function connectionForBackup(ctx: CommandContext, node: BackupEntryNode): Promise<string> {
  const named = node.entry.connection;
  if (named && ctx.connections.get(named)) return named;
  if (node.connections.length === 1) return node.connections[0];
  return pickConnection(ctx, `Connection to restore "${node.entry.label}" to`);
}

export async function confirm(message: string, detail: string, action: string): Promise<void> {
  const answer = await vscode.window.showWarningMessage(
    esc(message),
    { modal: true, detail: esc(detail, true) },
    action,
  );
  if (answer !== action) throw new CancelledError();
}

/** Normalizes (node, selectedNodes) from a menu into a list of nodes of one kind. */
export function selection<T extends { kind: string }>(kind: T['kind'], node: unknown, selected: unknown): T[] {
  const list = Array.isArray(selected) && selected.length ? selected : node ? [node] : [];
  return list.filter((n): n is T => !!n && typeof n === 'object' && (n as { kind?: string }).kind === kind);
}
