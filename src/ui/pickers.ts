// Palette fallbacks: quick picks of connection → pool/host/VM/snapshot/backup when a command has no node.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { Job, JobRecord } from '../core/job';
import { CatalogEntry } from '../core/repository';
import { BackupEntryNode, HostNode, PoolNode, SnapshotNode, VmNode } from '../views/nodes';
import { CommandContext } from './commandContext';
import { escapeControlChars as esc } from '../core/controlChars';

/** A quick-pick item as shown: its label, description and detail (vendor names) with control characters escaped. */
function shown<I extends vscode.QuickPickItem>(i: I): I {
  return {
    ...i,
    label: esc(i.label),
    description: i.description === undefined ? undefined : esc(i.description),
    detail: i.detail === undefined ? undefined : esc(i.detail),
  };
}

async function pick<T>(
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

export async function pickPool(ctx: CommandContext, connection?: string): Promise<PoolNode> {
  connection ??= await pickConnection(ctx);
  const provider = await ctx.connections.provider(connection);
  const pools = await provider.listPools();
  const pool =
    pools.length === 1
      ? pools[0]
      : await pick(
          pools.map((p) => ({ label: p.name || p.id, value: p })),
          `Pool on "${connection}"`,
        );
  return { kind: 'pool', key: '', connection, pool };
}

export async function pickHost(ctx: CommandContext): Promise<HostNode> {
  const { connection, pool } = await pickPool(ctx);
  const hosts = await (await ctx.connections.provider(connection)).listHosts(pool.id);
  const host = await pick(
    hosts.map((h) => ({ label: h.name, description: h.address, value: h })),
    `Host in pool "${pool.name}"`,
  );
  return { kind: 'host', key: '', connection, pool, host };
}

async function vmItems(ctx: CommandContext, filter: (n: VmNode) => boolean) {
  const { connection, pool } = await pickPool(ctx);
  const provider = await ctx.connections.provider(connection);
  const [hosts, vms] = await Promise.all([provider.listHosts(pool.id), provider.listVms({ poolId: pool.id })]);
  return vms
    .map((vm): VmNode => ({ kind: 'vm', key: '', connection, pool, host: hosts.find((h) => h.id === vm.hostId), vm }))
    .filter(filter)
    .sort((a, b) => a.vm.name.localeCompare(b.vm.name))
    .map((n) => ({
      label: n.vm.name,
      description: `${n.vm.powerState}${n.host ? ' · ' + n.host.name : ''}`,
      value: n,
    }));
}

export async function pickVm(
  ctx: CommandContext,
  title = 'VM',
  filter: (n: VmNode) => boolean = () => true,
): Promise<VmNode> {
  return pick(await vmItems(ctx, filter), title);
}

export async function pickVms(
  ctx: CommandContext,
  title = 'VMs',
  filter: (n: VmNode) => boolean = () => true,
): Promise<VmNode[]> {
  return pickMany(await vmItems(ctx, filter), title);
}

export async function pickSnapshots(ctx: CommandContext, title: string, many: boolean): Promise<SnapshotNode[]> {
  const vm = await pickVm(ctx, `${title}: VM`, (n) => n.vm.snapshotCount > 0);
  const all = await (await ctx.connections.provider(vm.connection)).listSnapshots(vm.vm.id);
  const items = all.map((snapshot) => ({
    label: snapshot.name,
    description: snapshot.time.toLocaleString(),
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
        description: `${entry.kind} · ${entry.created?.toLocaleString() ?? ''}`,
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
