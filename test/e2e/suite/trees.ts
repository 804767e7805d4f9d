// Reading the extension's trees from a test, as VS Code would (getChildren level by level).
import type { VmBackupApi } from '../../../src/extension';
import type { BackupNode } from '../../../src/views/nodes';

/** Every node of the Backups view, depth first. */
export async function allBackups(api: VmBackupApi): Promise<BackupNode[]> {
  const out: BackupNode[] = [];
  const walk = async (n?: BackupNode) => { for (const c of await api.trees.backups.getChildren(n)) { out.push(c); await walk(c); } };
  await walk();
  return out;
}
