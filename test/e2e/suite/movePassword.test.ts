// "Move password to secret storage" inside the real VS Code: the plaintext PASSWORD of a VCB file whose
// HOST / VCHOST is the lab's host goes into the lab connection's SecretStorage and leaves the file.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { passwordEnvName } from '../../../src/core/connections';
import { answer, restorePrompts, waitFor } from './stubs';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'VM Backup Explorer');

const cases = [
  { rel: 'move-pw/VMware Consolidated Backup Framework/config/config.js', lang: 'vcb-config-js', text: (host: string, pw: string) => `BACKUPROOT="C:\\\\mnt";\nHOST="${host}";\nUSERNAME="root";\nPASSWORD="${pw}";\nTRANSPORT_MODE="nbd";\n` },
  { rel: 'move-pw/etc/vmware/backuptools.conf', lang: 'backuptools-conf', text: (host: string, pw: string) => `VCHOST="${host}"\nUSERNAME=root\nPASSWORD="${pw}"\nTEMPDIR=/tmp\n` },
];

describe('Move password to secret storage in VS Code', () => {
  let api: VmBackupApi;
  let lab: { name: string; host: string };

  before(async () => {
    api = await vscode.extensions.getExtension<VmBackupApi>('vmbackup.vm-backup-explorer')!.activate();
    const c = await waitFor(() => api.connections.connections[0], 'the lab connection');
    lab = { name: c.name, host: new URL(c.url).hostname };
  });
  afterEach(async () => {
    restorePrompts();
    // Later tests reconnect to the lab: give the connection its real password back.
    const original = process.env[passwordEnvName(lab.name)];
    if (original) await api.connections.storePassword(lab.name, original);
  });

  for (const c of cases) {
    it(`${c.lang}: stores the password for the connection of the file's host and removes the line and the diagnostic`, async () => {
      const pw = `moved-${randomBytes(6).toString('hex')}`;
      const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, c.rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, c.text(lab.host, pw));
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, c.lang);
      const diag = await waitFor(() => ours(doc.uri).find((d) => d.code === 'plaintext-password'), 'the plaintext-password diagnostic');

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range);
      const move = actions.find((a) => a.title === 'Move password to secret storage');
      assert.ok(move?.command, `the action is offered among: ${actions.map((a) => a.title).join(', ')}`);
      // The host decides the connection: a connection picker must not be needed (it would answer nothing).
      answer({ pick: [] });
      await vscode.commands.executeCommand(move.command.command, ...(move.command.arguments ?? []));

      assert.ok(!/^PASSWORD=/m.test(doc.getText()), 'the PASSWORD line is gone');
      assert.ok(!doc.getText().includes(pw), 'the password is nowhere in the file');
      assert.match(doc.getText(), c.lang === 'vcb-config-js' ? /^USERNAME="root";\nTRANSPORT_MODE="nbd";$/m : /^USERNAME=root\nTEMPDIR=\/tmp$/m);
      assert.equal(await api.connections.storedPasswordIs(lab.name, pw), true, `SecretStorage of "${lab.name}" holds the moved password`);
      await waitFor(() => !ours(doc.uri).some((d) => d.code === 'plaintext-password'), 'the plaintext-password diagnostic to go away');
      await doc.save();
    });
  }
});
