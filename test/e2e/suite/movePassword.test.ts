// "Move password to secret storage" inside the real VS Code (issue #13): the plaintext PASSWORD of a VCB file whose
// HOST / VCHOST is the lab's host must not go into the lab (an XCP-ng pool); a VMware connection pre-filled from the
// file is created for it instead, and the file left behind validates.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { passwordEnvName } from '../../../src/core/connections';
import { answer, restorePrompts, shown, waitFor } from './stubs';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'VM Backup Explorer');

const cases = [
  {
    rel: 'move-pw/VMware Consolidated Backup Framework/config/config.js',
    lang: 'vcb-config-js',
    text: (host: string, pw: string) =>
      `BACKUPROOT="C:\\\\mnt";\nHOST="${host}";\nUSERNAME="root";\nPASSWORD="${pw}";\nTRANSPORT_MODE="nbd";\n`,
  },
  {
    rel: 'move-pw/etc/vmware/backuptools.conf',
    lang: 'backuptools-conf',
    text: (host: string, pw: string) => `VCHOST="${host}"\nUSERNAME=root\nPASSWORD="${pw}"\nTEMPDIR=/tmp\n`,
  },
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
    it(`${c.lang}: never stores a VCB password into the XCP-ng lab pool; creates a VMware connection for the file's host instead, and the file left behind validates`, async () => {
      const pw = `moved-${randomBytes(6).toString('hex')}`;
      const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, c.rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, c.text(lab.host, pw));
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, c.lang);
      const diag = await waitFor(
        () => ours(doc.uri).find((d) => d.code === 'plaintext-password'),
        'the plaintext-password diagnostic',
      );

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        diag.range,
      );
      const move = actions.find((a) => a.title === 'Move password to secret storage');
      assert.ok(move?.command, `the action is offered among: ${actions.map((a) => a.title).join(', ')}`);
      const before = api.connections.connections.map((x) => x.name);
      // The lab is an XCP-ng pool on the file's host: it must not be offered (a picker would answer nothing);
      // the only question is whether to create a VMware connection pre-filled from the file.
      answer({ pick: [], confirm: [(_m, items) => items.find((i) => i.startsWith('Create connection'))] });
      await vscode.commands.executeCommand(move.command.command, ...(move.command.arguments ?? []));
      assert.ok(
        shown.some(
          (m) =>
            m.modal && new RegExp(`No vmware connection has host ${lab.host.replace(/\./g, '\\.')}`).test(m.message),
        ),
        JSON.stringify(shown),
      );

      const created = api.connections.connections.find((x) => !before.includes(x.name));
      try {
        assert.ok(created, 'a new connection was added');
        assert.equal(created.platform, 'vmware');
        assert.equal(new URL(created.url).hostname, lab.host);
        assert.equal(created.username, 'root');
        assert.equal(
          await api.connections.storedPasswordIs(created.name, pw),
          true,
          'the new connection holds the moved password',
        );
        assert.equal(
          await api.connections.storedPasswordIs(lab.name, pw),
          false,
          "the XCP-ng pool's password is untouched",
        );
        assert.ok(!/^PASSWORD=/m.test(doc.getText()), 'the PASSWORD line is gone');
        assert.ok(!doc.getText().includes(pw), 'the password is nowhere in the file');
        assert.match(
          doc.getText(),
          c.lang === 'vcb-config-js' ? /^USERNAME="root";\nTRANSPORT_MODE="nbd";$/m : /^USERNAME=root\nTEMPDIR=\/tmp$/m,
        );
        // The file left behind validates cleanly: no PASSWORD is not an error (VCB reads the registry or prompts).
        await waitFor(
          () => !ours(doc.uri).some((d) => d.code === 'plaintext-password'),
          'the plaintext-password diagnostic to go away',
        );
        assert.deepEqual(
          ours(doc.uri)
            .filter((d) => d.severity !== vscode.DiagnosticSeverity.Information)
            .map((d) => d.message),
          [],
        );
        await doc.save();
      } finally {
        if (created) await api.connections.remove(created.name);
      }
    });
  }

  it('declining leaves the file, the lab pool and the connections as they were', async () => {
    const pw = `kept-${randomBytes(6).toString('hex')}`;
    const file = path.join(
      vscode.workspace.workspaceFolders![0].uri.fsPath,
      'move-pw-decline/etc/vmware/backuptools.conf',
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, cases[1].text(lab.host, pw));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const diag = await waitFor(
      () => ours(doc.uri).find((d) => d.code === 'plaintext-password'),
      'the plaintext-password diagnostic',
    );
    const before = api.connections.connections.map((x) => x.name);
    answer({ pick: [], confirm: [undefined as unknown as string] });
    await vscode.commands.executeCommand('vmbackup.movePasswordToSecretStorage', doc.uri, diag.range);
    assert.deepEqual(
      api.connections.connections.map((x) => x.name),
      before,
    );
    assert.ok(doc.getText().includes(pw));
    assert.equal(await api.connections.storedPasswordIs(lab.name, pw), false);
  });
});
