// Reading the extension's trees from a test, as VS Code would (getChildren level by level).
import type { VmBackupApi } from '../../../src/extension';
import type { BackupNode, ConnectionNode, InfraNode, VmNode } from '../../../src/views/nodes';

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
