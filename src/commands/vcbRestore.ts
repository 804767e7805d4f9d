// Restore with VCB…: vcbRestore -s <backup folder on the VCB host> (guide P.65–68), to the original place (-b picked),
// or elsewhere through an edited copy of the backup's catalog (the backup's own is never edited): vcbRestoreFlow.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { restoreWithVcb, vcbJournalRepository } from '../ui/vcbRestoreFlow';
import { askRemoteFolder, vcbTarget } from '../ui/vcbTarget';
import { VcbHostNode } from '../views/vcbNodeTypes';

export async function vcbRestore(
  ctx: CommandContext,
  node?: VcbHostNode,
  backupDir?: string,
): Promise<vscode.TextEditor | { output: string } | undefined> {
  const t = await vcbTarget(ctx, node, 'Restore through which VCB host?');
  const dir =
    typeof backupDir === 'string'
      ? backupDir
      : await askRemoteFolder(
          'Restore with VCB (vcbRestore -s)',
          'The backup folder on the VCB host (made by vcbMounter -t fullvm: catalog, .vmx, .vmdk)',
          (await t.open()).session.stagingRoot(),
        );
  const repository = vcbJournalRepository(ctx, t.connection);
  return restoreWithVcb(ctx, {
    target: t,
    label: dir,
    copyCatalog: (p, jctx) => p.copyCatalog(dir, repository, jctx, path.posix.basename(dir)),
    restore: (p, opts, jctx) => p.restore(dir, opts, jctx),
  });
}
