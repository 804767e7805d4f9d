// Reading the extension's trees from a test, as VS Code would (getChildren level by level).
import type { VmBackupApi } from '../../../src/extension';
import type { BackupNode, ConnectionNode, InfraNode, SnapshotNode, VmNode } from '../../../src/views/nodes';

/** Every node of the Backups view, depth first. */
export async function allBackups(api: VmBackupApi): Promise<BackupNode[]> {
  const out: BackupNode[] = [];
  const walk = async (n?: BackupNode) => {
    for (const c of await api.trees.backups.getChildren(n)) {
      out.push(c);
      await walk(c);
    }
  };
  await walk();
  return out;
}

/** Every VM node of connection `connection` in the Infrastructure view (under its pools and hosts), freshly loaded. */
export async function vmNodes(api: VmBackupApi, connection: string): Promise<VmNode[]> {
  const infra = api.trees.infrastructure;
  infra.refresh();
  const conn = (await infra.getChildren()).find(
    (n): n is ConnectionNode => n.kind === 'connection' && n.connection === connection,
  );
  if (!conn) throw new Error(`connection "${connection}" is not in the tree`);
  const found: VmNode[] = [];
  const walk = async (n: InfraNode, depth: number) => {
    for (const c of await infra.getChildren(n)) {
      if (c.kind === 'vm') found.push(c);
      if (c.kind === 'container' && depth < 4) await walk(c, depth + 1);
    }
  };
  await walk(conn, 0);
  return found;
}

/** The Infrastructure tree's node of connection `connection`. */
export async function connectionNode(api: VmBackupApi, connection: string): Promise<ConnectionNode> {
  const conn = (await api.trees.infrastructure.getChildren()).find(
    (n): n is ConnectionNode => n.kind === 'connection' && n.connection === connection,
  );
  if (!conn) throw new Error(`connection "${connection}" is not in the tree`);
  return conn;
}

/**
 * The tree below connection `connection` as VS Code shows it: one line per node, two spaces per level, its label and
 * (with `kinds`, a container's kind in brackets, e.g. `DC0 [datacenter]`) and (with `descriptions`, after " — ") its
 * description. Containers of any kind are walked, so the outline follows the provider's shape.
 */
export async function outline(
  api: VmBackupApi,
  connection: string,
  opts: { descriptions?: boolean; kinds?: boolean } = {},
): Promise<string[]> {
  const infra = api.trees.infrastructure;
  const lines: string[] = [];
  const label = (n: InfraNode) => {
    const item = infra.getTreeItem(n);
    const text = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const kind = opts.kinds && n.kind === 'container' ? ` [${n.container.kind}]` : '';
    return opts.descriptions && item.description ? `${text}${kind} — ${String(item.description)}` : `${text}${kind}`;
  };
  const walk = async (n: InfraNode, depth: number) => {
    for (const c of await infra.getChildren(n)) {
      lines.push(`${'  '.repeat(depth)}${label(c)}`);
      // What VS Code would open: nodes that are not leaves.
      if (infra.getTreeItem(c).collapsibleState && depth < 8) await walk(c, depth + 1);
    }
  };
  await walk(await connectionNode(api, connection), 0);
  return lines;
}

/** Every VM node below connection `connection`, whatever containers hold them, freshly loaded. */
export async function allVmNodes(api: VmBackupApi, connection: string): Promise<VmNode[]> {
  const infra = api.trees.infrastructure;
  infra.refresh();
  const found: VmNode[] = [];
  const walk = async (n: InfraNode, depth: number) => {
    for (const c of await infra.getChildren(n)) {
      if (c.kind === 'vm') found.push(c);
      else if (
        c.kind !== 'snapshot' &&
        c.kind !== 'error' &&
        c.kind !== 'message' &&
        c.kind !== 'loadMore' &&
        depth < 8
      )
        await walk(c, depth + 1);
    }
  };
  await walk(await connectionNode(api, connection), 0);
  return found;
}

/** The snapshot nodes under a VM node, depth first (a parent before its children), as the tree lists them. */
export async function snapshotNodes(api: VmBackupApi, vm: VmNode): Promise<SnapshotNode[]> {
  const out: SnapshotNode[] = [];
  const walk = async (n: InfraNode) => {
    for (const c of await api.trees.infrastructure.getChildren(n))
      if (c.kind === 'snapshot') {
        out.push(c);
        await walk(c);
      }
  };
  await walk(vm);
  return out;
}

/** A tree item's tooltip as the user reads it: MarkdownString.appendText's escapes (`\\.`, `&nbsp;`) undone. */
export function tooltipText(item: { tooltip?: string | { value: string } }): string {
  return (typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''))
    .replace(/&nbsp;/g, ' ')
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}
