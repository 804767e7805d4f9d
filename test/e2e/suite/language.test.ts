// Language support inside the real VS Code: diagnostics, completion, hover, quick fixes, detection.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './stubs';

const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

async function open(rel: string, text: string): Promise<vscode.TextDocument> {
  const file = path.join(root(), rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'VM Backup Explorer');

describe('Language support in VS Code', () => {
  it('backuptools.conf: a space around = is an error on that line, fixed by its quick fix', async () => {
    const doc = await open(
      'etc/vmware/backuptools.conf',
      '# VCB service console settings\nVCHOST="vc.example.com"\nTEMPDIR = /var/tmp\n',
    );
    assert.equal(doc.languageId, 'backuptools-conf');
    const diag = await waitFor(
      () => ours(doc.uri).find((d) => d.code === 'space-around-equals'),
      'the space-around-equals diagnostic',
    );
    assert.equal(diag.range.start.line, 2);
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diag.range,
    );
    const fix = actions.find((a) => a.kind?.value.startsWith('quickfix') && a.edit);
    assert.ok(fix, `a quick fix among ${actions.map((a) => a.title).join(', ')}`);
    await vscode.workspace.applyEdit(fix.edit!);
    assert.match(doc.getText(), /^TEMPDIR=\/var\/tmp$/m);
    await waitFor(() => !ours(doc.uri).some((d) => d.code === 'space-around-equals'), 'the diagnostic to go away');
  });

  it('backuptools.conf: completion offers missing keys, hover documents a key', async () => {
    const doc = await open('more/backuptools.conf', 'VCHOST="vc"\n\n');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(1, 0),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('TEMPDIR'), labels.join());
    assert.ok(!labels.includes('VCHOST'), 'keys already present are not offered');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(0, 2),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
      .join('\n');
    assert.match(text, /VCHOST/);
  });

  it('a VCB config.js is recognised by content, validated, and a plaintext password is flagged', async () => {
    const doc0 = await open(
      'VCB/config/config.js',
      '/* VCB proxy */\nBACKUPROOT="C:\\\\mnt";\nHOST="vc.example.com";\nUSERNAME="backup";\nPASSWORD="s3cret";\nTRANSPORT_MODE="tape";\n',
    );
    const doc = await waitFor(
      () =>
        vscode.workspace.textDocuments.find(
          (d) => d.uri.fsPath === doc0.uri.fsPath && d.languageId === 'vcb-config-js',
        ),
      'config.js to get the vcb-config-js language',
    );
    const diags = await waitFor(() => {
      const d = ours(doc.uri);
      return d.length ? d : undefined;
    }, 'config.js diagnostics');
    const pw = diags.find((d) => d.code === 'plaintext-password');
    assert.ok(pw, diags.map((d) => d.code).join());
    assert.equal(pw.range.start.line, 4);
    const mode = diags.find((d) => d.range.start.line === 5);
    assert.ok(mode, 'TRANSPORT_MODE="tape" is reported on its line');
  });

  it('an ordinary config.js is left alone', async () => {
    const doc = await open('web/config/config.js', 'module.exports = { port: 8080 };\n');
    await new Promise((r) => setTimeout(r, 800));
    assert.notEqual(doc.languageId, 'vcb-config-js');
    assert.deepEqual(ours(doc.uri), []);
  });

  it('Oracle VM /etc/sysconfig/ovmm: a changed DBBACKUP_CMD is warned about', async () => {
    const doc = await open('etc/sysconfig/ovmm', 'RUN_OVMM=YES\nDBBACKUP_CMD=/tmp/mine.sh\n');
    assert.equal(doc.languageId, 'ovmm-sysconfig');
    const d = await waitFor(() => ours(doc.uri).find((x) => x.code === 'dbbackup-cmd-changed'), 'dbbackup-cmd-changed');
    assert.equal(d.range.start.line, 1);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('changing vmbackup.vcbConfigGlobs re-checks an open document: language and diagnostics follow the setting', async () => {
    const config = () => vscode.workspace.getConfiguration('vmbackup');
    const doc0 = await open(
      'glob-case/proxy-settings.txt',
      'HOST="vc.example.com";\nUSERNAME="backup";\nPASSWORD="";\nTRANSPORT_MODE="tape";\n',
    );
    const current = () => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === doc0.uri.fsPath);
    assert.notEqual(doc0.languageId, 'vcb-config-js');
    assert.deepEqual(ours(doc0.uri), []);
    try {
      await config().update('vcbConfigGlobs', ['**/glob-case/*.txt'], vscode.ConfigurationTarget.Workspace);
      await waitFor(() => current()?.languageId === 'vcb-config-js', 'the document to become vcb-config-js');
      const d = await waitFor(
        () => ours(doc0.uri).find((x) => x.code === 'invalid-value'),
        'TRANSPORT_MODE="tape" to be reported',
      );
      assert.equal(d.range.start.line, 3);
      await config().update('vcbConfigGlobs', [], vscode.ConfigurationTarget.Workspace);
      await waitFor(() => current()?.languageId === 'plaintext', 'the document to get its ordinary language back');
      await waitFor(() => ours(doc0.uri).length === 0, 'its diagnostics to go away');
    } finally {
      await config().update('vcbConfigGlobs', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  // Issue #13, kind 2: a config.js saved as "ANSI" by Japanese Notepad (Shift_JIS) that VS Code opened as UTF-8.
  it('a Shift_JIS config.js opened as UTF-8 is flagged with a Reopen with Encoding fix', async () => {
    const file = path.join(root(), 'sjis/VMware Consolidated Backup Framework/config/config.js');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // "// 設定" and BACKUPROOT="E:\\バックアップ" in Shift_JIS
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('// '),
        Buffer.from([0x90, 0xdd, 0x92, 0xe8]),
        Buffer.from('\r\nBACKUPROOT="E:\\\\'),
        Buffer.from([0x83, 0x6f, 0x83, 0x62, 0x83, 0x4e, 0x83, 0x41, 0x83, 0x62, 0x83, 0x76]),
        Buffer.from('";\r\nHOST="vc01.example.test";\r\nUSERNAME="vcbuser";\r\n'),
      ]),
    );
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'vcb-config-js');
    const d = await waitFor(
      () => ours(doc.uri).find((x) => x.code === 'encoding-mismatch'),
      'the encoding-mismatch diagnostic',
    );
    assert.match(d.message, /cp932/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
    );
    const reopen = actions.find((a) => a.command?.command === 'workbench.action.reopenWithEncoding');
    assert.ok(reopen, actions.map((a) => a.title).join(', '));
    assert.match(reopen.title, /shiftjis/);
    const loud = ours(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      loud.map((x) => x.message),
      [],
      'the file itself is valid',
    );
  });

  it('backuptools.conf with CRLF: an error per line, and Convert to LF fixes the file', async () => {
    const doc = await open('crlf/etc/vmware/backuptools.conf', 'VCHOST=vc01.example.test\r\nUSERNAME=vcbuser\r\n');
    const d = await waitFor(() => ours(doc.uri).find((x) => x.code === 'crlf'), 'the crlf diagnostic');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
    );
    const fix = actions.find((a) => a.title === 'Convert to LF');
    assert.ok(fix?.command, actions.map((a) => a.title).join(', '));
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(doc.eol, vscode.EndOfLine.LF);
    await waitFor(() => !ours(doc.uri).some((x) => x.code === 'crlf'), 'the crlf diagnostics to go away');
  });

  it('an edited copy of a catalog (vcbRestore -a), named anything, is recognised by its config.vmx line', async () => {
    const doc0 = await open(
      'vmimages/my-alt-catalog',
      'config.vmx= "[storage1] web01/web01.vmx"\nhost=esx02.example.test\nresourcepool= "/ha-folder-root/ha-datacenter/host/esx01.example.test/Resources"\n',
    );
    const doc = await waitFor(
      () =>
        vscode.workspace.textDocuments.find((d) => d.uri.fsPath === doc0.uri.fsPath && d.languageId === 'vcb-catalog'),
      'the copy to get the vcb-catalog language',
    );
    const d = await waitFor(
      () => ours(doc.uri).find((x) => x.code === 'resourcepool-host-mismatch'),
      'resourcepool-host-mismatch',
    );
    assert.equal(d.range.start.line, 2);
  });
});
