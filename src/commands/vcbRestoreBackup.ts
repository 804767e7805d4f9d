// Restore with VCB from the Repository…: a VCB backup this product pulled into the repository (manifest platform
// `vcb`, vcbMounter -t fullvm files with their sha256) goes back through a VCB host of the connection it came from:
// VcbProvider.restoreFromRepository uploads it to a journalled staging folder (each file's sha256 checked on the
// host), runs vcbRestore -s (guide P.65–68) with the -b choice, and removes the staging folder. To the original place,
// or elsewhere through an edited copy of its catalog, as Restore with VCB… offers (vcbRestoreFlow.ts).
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { pickBackups } from '../ui/pickers';
import { restoreWithVcb } from '../ui/vcbRestoreFlow';
import { vcbTarget } from '../ui/vcbTarget';
import { isVcbRepositoryBackup } from '../views/backupsTree';
import { BackupEntryNode, isNode } from '../views/nodes';

export async function vcbRestoreBackup(
  ctx: CommandContext,
  node?: BackupEntryNode,
): Promise<vscode.TextEditor | { output: string; staging?: string } | undefined> {
  const n =
    isNode(node, 'backup') && isVcbRepositoryBackup(node.entry)
      ? node
      : (await pickBackups(ctx, 'Restore with VCB from the repository', isVcbRepositoryBackup))[0];
  const entry = n.entry;
  const t = await vcbTarget(ctx, { connection: entry.manifest?.source.connection }, 'Restore through which VCB host?');
  const vm = entry.vmName ?? entry.label;
  return restoreWithVcb(ctx, {
    target: t,
    label: `${vm} (${entry.id})`,
    vmName: vm,
    copyCatalog: (p, jctx) => p.copyRepositoryCatalog(entry, n.root, jctx),
    restore: (p, opts, jctx) => p.restoreFromRepository(entry, { ...opts, repository: n.root }, jctx),
  });
}
