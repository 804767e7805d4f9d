// A VCB full-VM export directory in a connection's repository shows up in the Backups view and its catalog opens validated.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { BackupEntryNode } from '../../../src/views/nodes';
import { waitFor } from './stubs';
import { allBackups } from './trees';

describe('VCB backups in the Backups view', () => {
  it('lists a vcbMounter export directory and opens its catalog as vcb-catalog with diagnostics', async () => {
    const api = await vscode.extensions.getExtension<VmBackupApi>('vmbackup.vm-backup-explorer')!.activate();
    const c = await waitFor(() => api.connections.connections[0], 'the lab connection');
    const repo = api.connections.repositoryFor(c.name)!;
    const dir = path.join(repo, 'vcb', 'vm37-fullvm');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'catalog'),
      'config.vmx= "[storage1] vm37/vm37.vmx"\nconfig.logdir= "[storage1]vm37"\nhost=esx1.example.com\n',
    );
    fs.writeFileSync(path.join(dir, 'vm37.vmx'), 'displayName = "vm37"\n');
    fs.writeFileSync(path.join(dir, 'scsi0-0-0-vm37.vmdk'), 'disk');
    api.trees.backups.refresh();

    const node = (await allBackups(api)).find(
      (n): n is BackupEntryNode => n.kind === 'backup' && n.entry.kind === 'vcb',
    );
    assert.ok(node, 'the VCB export is listed');
    assert.equal(node.entry.label, 'vm37');
    const item = api.trees.backups.getTreeItem(node);
    assert.match(String(item.contextValue), /(^|;)canOpenCatalog(;|$)/);
    assert.doesNotMatch(
      String(item.contextValue),
      /(^|;)canRestore(;|$)/,
      'a VCB export is not offered to the XVA restore',
    );
    assert.equal(item.command?.command, 'vmbackup.openCatalog');
    const menus = vscode.extensions.getExtension('vmbackup.vm-backup-explorer')!.packageJSON.contributes.menus[
      'view/item/context'
    ] as Array<{ command: string; when: string }>;
    assert.ok(
      menus.some((m) => m.command === 'vmbackup.openCatalog' && /canOpenCatalog/.test(m.when)),
      'Open Catalog is in the context menu',
    );

    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const catalog = path.join(dir, 'catalog');
    const doc = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === catalog && d.languageId === 'vcb-catalog'),
      'the catalog to open as vcb-catalog',
    );
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, catalog);
    const d = await waitFor(
      () => vscode.languages.getDiagnostics(doc.uri).find((x) => x.code === 'datastore-path-format'),
      'the datastore-path diagnostic',
    );
    assert.equal(d.range.start.line, 1);
  });
});
