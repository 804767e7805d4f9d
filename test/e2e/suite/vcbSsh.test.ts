// VMware Consolidated Backup from VS Code, against the VCB lab (a real OpenSSH server with the guide's tools as stubs
// acting on vcsim; run.ts starts it and hands it over in VMBACKUP_E2E_VCB): Add VCB Host with the SSH host key pinned
// after a modal, a changed key refused, backuptools.conf opened, edited and saved over SFTP (mode kept, diagnostics),
// a backup pulled into the repository and one sent to another host by scp://, a cancelled backup leaving nothing, a
// restore with the -b prompt answered in a modal, restores elsewhere through a catalog copy with live completion (of a
// backup on the VCB host and of one in the repository), file-level browsing through the vmbackup-vcb: file system
// then Unmount, Find VMs (VCB)…, Clean Up VCB… (VCB's own snapshot only), and Back Up / Restore Group with VCB… with
// one child job per VM in the Jobs view.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { VCENTER_CONNECTION as VC } from '../../../src/cli/labVerb';
import { VcbHostProfile } from '../../../src/core/model';
import { readInventory } from '../../../src/providers/vmware/vmwareInventory';
import { flattenSnapshots } from '../../../src/providers/vmware/vmwareRecords';
import { createSnapshot, removeSnapshot } from '../../../src/providers/vmware/vmwareSnapshots';
import type { CleanupItem } from '../../../src/core/cleanupReport';
import type { FoundVm } from '../../../src/providers/vcb/vcbRecords';
import type { GroupMember } from '../../../src/providers/vcb/vcbGroup';
import { STAGING_PREFIX } from '../../../src/providers/vcb/vcbStaging';
import type { VmwareProvider } from '../../../src/providers/vmware/vmwareProvider';
import type { BackupEntryNode, FinishedJobNode, InfraNode, JobNode, VmNode } from '../../../src/views/nodes';
import type {
  VcbConfigNode,
  VcbErrorNode,
  VcbHostNode,
  VcbMountEntryNode,
  VcbMountNode,
  VcbSnapshotNode,
} from '../../../src/views/vcbNodeTypes';
import { hasToken } from '../../../src/views/contextTokens';
import type { OpenMount } from '../../../src/ui/vcbSessions';
import { VCSIM_LAB_VMS as VMS } from '../../peers/vcsim/vcsimLab';
import { E2eVcbInfo, VCB_E2E_ENV, labHostSettings } from '../vcbE2eLab';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';
import { allVmNodes, connectionNode } from './trees';
import { tempDir } from '../../tempDir';

const SLOW = 120_000;

/** The errors shown since the last answer() (for an assertion's message). */
const errorsShown = () => JSON.stringify(shown.filter((s) => s.level === 'error').map((s) => s.message));

describe('VCB from VS Code (VCB lab over SSH, vcsim)', function () {
  this.timeout(SLOW);
  const info = JSON.parse(process.env[VCB_E2E_ENV] ?? 'null') as E2eVcbInfo;
  let api: VmBackupApi;
  const hostId = () => `${info.host}:${info.port}`;
  const vim = async () => ((await api.connections.provider(VC)) as unknown as VmwareProvider).vim;
  const vmNode = async (name: string): Promise<VmNode> => {
    const n = (await allVmNodes(api, VC)).find((v) => v.vm.name === name);
    assert.ok(n, `VM ${name} in the tree`);
    return n;
  };
  const hostNode = async (): Promise<VcbHostNode> => {
    const kids = await api.trees.infrastructure.getChildren(await connectionNode(api, VC));
    const n = kids.find((k): k is VcbHostNode => k.kind === 'vcbHost');
    assert.ok(n, 'the VCB host under the vCenter connection');
    return n;
  };
  const hostChildren = async (): Promise<InfraNode[]> => {
    const h = await hostNode();
    api.trees.infrastructure.refresh(h);
    return api.trees.infrastructure.getChildren(h);
  };
  const setHost = (over: Partial<VcbHostProfile>) => {
    const hosts = api.connections.get(VC)!.vcbHosts!;
    api.connections.setVcbHosts(VC, [{ ...hosts[0], ...over }]);
  };
  /** The latest finished job of a kind, and its child jobs as the Jobs view shows them under it. */
  const jobWithChildren = (kind: string) => {
    const record = api.jobs.finished.find((r) => r.kind === kind);
    assert.ok(record, `a finished ${kind} job`);
    const node: FinishedJobNode = { kind: 'record', key: `job:${record.id}`, record };
    const top = api.trees.jobs.getChildren();
    assert.ok(
      top.some((n) => n.kind === 'record' && n.record.id === record.id),
      'the group job is at the top of the Jobs view',
    );
    const kids = api.trees.jobs
      .getChildren(node)
      .filter((n): n is FinishedJobNode => n.kind === 'record')
      .map((n) => n.record);
    assert.ok(
      !top.some((n: JobNode) => n.kind === 'record' && kids.some((k) => k.id === n.record.id)),
      'its children are not at the top',
    );
    return { record, kids };
  };
  /** The staging folders on the VCB host (journalled: vmbackup-stage-<marker>). */
  const stagingFolders = () => fs.readdirSync(info.stagingDir).filter((n) => n.startsWith(STAGING_PREFIX));
  const snapshotsOf = async (vmName: string) =>
    flattenSnapshots((await readInventory(await vim())).vms.find((v) => v.name === vmName)!.snapshots).map(
      (s) => s.name,
    );

  before(async () => {
    assert.ok(info, `${VCB_E2E_ENV} is set by test/e2e/run.ts`);
    api = await labApi();
  });
  afterEach(() => restorePrompts());

  it('Add VCB Host…: the modal shows the SSH host key fingerprint; confirmed, it is pinned in connections.yaml', async () => {
    const conn = await connectionNode(api, VC);
    const item = api.trees.infrastructure.getTreeItem(conn);
    assert.ok(hasToken(String(item.contextValue), 'canAddVcbHost'), String(item.contextValue));
    answer({
      input: [info.host, String(info.port), info.user, info.keyFile],
      confirm: [(_m, items) => items.find((i) => i.startsWith('Pin Host Key'))],
    });
    await vscode.commands.executeCommand('vmbackup.vcbAddHost', conn);
    const modal = shown.find((s) => s.modal);
    assert.ok(modal, 'a modal confirmation');
    assert.match(modal.message, new RegExp(`Pin the SSH host key of VCB host ${info.host}:${info.port}`));
    assert.ok(modal.detail?.includes(info.fingerprint), `the fingerprint is shown: ${modal.detail}`);
    const yaml = fs.readFileSync(path.join(api.connections.workspaceRoot!, '.vmbackup', 'connections.yaml'), 'utf8');
    assert.ok(yaml.includes(`hostKey: ${info.fingerprint}`), yaml);
    // The lab keeps backuptools.conf and its staging folder under its own folder (a real host: /etc/vmware).
    setHost(labHostSettings(info));
    const kids = await hostChildren();
    const conf = kids.find((k): k is VcbConfigNode => k.kind === 'vcbConfig');
    assert.ok(conf, `backuptools.conf under the host: ${JSON.stringify(kids.map((k) => k.kind))}`);
    assert.equal(conf.path, info.confPath);
    assert.ok(kids.some((k) => k.kind === 'message' && /No VCB backup snapshots/.test(k.message)));
  });

  it('a VCB host whose SSH host key changed is refused, and offers no pin', async () => {
    const good = api.connections.get(VC)!.vcbHosts![0].hostKey!;
    setHost({ hostKey: 'SHA256:' + 'A'.repeat(43) });
    try {
      const err = (await hostChildren()).find((k): k is VcbErrorNode => k.kind === 'vcbError');
      assert.ok(err, 'an error node');
      assert.equal(err.code, 'SSH_HOST_KEY_MISMATCH');
      assert.match(err.message, /SSH host key changed/);
      assert.ok(!hasToken(String(api.trees.infrastructure.getTreeItem(err).contextValue), 'canPinHostKey'));
      answer({ confirm: ['Pin Host Key'] });
      await vscode.commands.executeCommand('vmbackup.vcbPinHostKey', err);
      assert.ok(!shown.some((s) => s.modal), 'no pin confirmation for a changed key');
      assert.equal(api.connections.get(VC)!.vcbHosts![0].hostKey, 'SHA256:' + 'A'.repeat(43));
    } finally {
      setHost({ hostKey: good });
    }
  });

  it('opens backuptools.conf over SFTP, saves an edit back keeping mode 600, and the editor validates it', async () => {
    const conf = (await hostChildren()).find((k): k is VcbConfigNode => k.kind === 'vcbConfig')!;
    const editor = (await vscode.commands.executeCommand('vmbackup.vcbOpenConfig', conf)) as vscode.TextEditor;
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'vmbackup-vcb');
    assert.equal(doc.languageId, 'backuptools-conf');
    assert.equal(doc.getText(), fs.readFileSync(info.confPath, 'utf8'));
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), 'MAX_RETRY=2\n'));
    assert.ok(await doc.save(), `saved ${errorsShown()}`);
    const onHost = fs.readFileSync(info.confPath, 'utf8');
    assert.ok(onHost.includes('MAX_RETRY=2\n'), onHost);
    assert.equal(fs.statSync(info.confPath).mode & 0o777, 0o600);
    const d = await waitFor(
      () =>
        vscode.languages
          .getDiagnostics(doc.uri)
          .find((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'unknown-key'),
      'the unknown-key diagnostic on the misspelt MAX_RETRY',
    );
    assert.equal(doc.lineAt(d.range.start.line).text, 'MAX_RETRY=2');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Back Up with VCB… into the repository: the export, sha256 and manifest land there; no VCB snapshot is left', async () => {
    const vm = await vmNode(VMS.poweredOff);
    assert.ok(hasToken(String(api.trees.infrastructure.getTreeItem(vm).contextValue), 'canVcbBackup'));
    answer({ pick: [(items) => items.find((i) => i.label === 'Into the repository')] });
    const entry = (await vscode.commands.executeCommand('vmbackup.vcbBackUp', vm)) as {
      dir: string;
      manifest: { platform: string; files: Array<{ name: string; sha256: string }> };
    };
    assert.ok(entry?.dir, `a catalog entry ${errorsShown()}`);
    assert.equal(entry.manifest.platform, 'vcb');
    const names = fs.readdirSync(entry.dir);
    assert.ok(names.includes('catalog') && names.includes('manifest.json'), names.join(' '));
    assert.ok(names.some((n) => n.endsWith('.vmx')));
    assert.ok(entry.manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)));
    assert.deepEqual(await snapshotsOf(VMS.poweredOff), []);
    assert.deepEqual(fs.readdirSync(info.stagingDir), [], 'the staging folder on the VCB host is removed');
    const job = api.jobs.finished.find((r) => r.kind === 'vcb-backup');
    assert.equal(job?.state, 'succeeded');
  });

  it('Back Up with VCB… to another host (scp://): vcbMounter sends the export there; no VCB snapshot is left', async () => {
    const dir = path.join(info.backups, 'off-scp');
    answer({
      pick: [(items) => items.find((i) => i.label === 'To another host (scp://)')],
      input: [`scp://${info.user}@${info.scpHost}:${dir}`],
    });
    const r = (await vscode.commands.executeCommand('vmbackup.vcbBackUp', await vmNode(VMS.poweredOff))) as
      { destination: { kind: string } } | undefined;
    assert.ok(r, `the backup ran ${errorsShown()}`);
    assert.equal(r.destination.kind, 'scp');
    const names = fs.readdirSync(dir);
    assert.ok(names.includes('catalog') && names.some((n) => n.endsWith('.vmx')), `arrived by scp: ${names.join(' ')}`);
    assert.deepEqual(await snapshotsOf(VMS.poweredOff), []);
    assert.deepEqual(fs.readdirSync(info.stagingDir), [], 'nothing left in TEMPDIR or staging');
    assert.equal(api.jobs.finished[0]?.kind, 'vcb-backup');
    assert.equal(api.jobs.finished[0]?.state, 'succeeded');
  });

  it('Restore with VCB from the Repository… (Backups view): staged on the VCB host, vcbRestore asks in a modal, the staging folder is gone', async () => {
    const repo = api.connections.repositoryFor(VC)!;
    const entry = api.trees.backups.catalog(repo).find((e) => e.manifest?.platform === 'vcb');
    assert.ok(entry, 'the VCB backup of the test above is in the Backups view');
    const node: BackupEntryNode = { kind: 'backup', key: `e2e:${entry.id}`, root: repo, entry, connections: [] };
    const tokens = String(api.trees.backups.getTreeItem(node).contextValue);
    assert.ok(hasToken(tokens, 'canVcbRestoreBackup'), tokens);
    assert.ok(!hasToken(tokens, 'canRestore'), `not the platform's own restore: ${tokens}`);
    answer({
      pick: [
        (items) => items.find((i) => i.label === 'To the original place'),
        (items) => items.find((i) => i.label === 'prompt'),
      ],
      confirm: [(_m, items) => items.find((i) => /^n/i.test(i))],
    });
    const r = (await vscode.commands.executeCommand('vmbackup.vcbRestoreBackup', node)) as
      { output: string; staging: string } | undefined;
    assert.ok(r, `the restore ran ${errorsShown()}`);
    assert.match(r.output, /Kept the existing virtual machine/);
    assert.ok(
      shown.some((s) => s.modal && /already known to VirtualCenter/.test(s.message)),
      'asked in a modal',
    );
    assert.deepEqual(fs.readdirSync(info.stagingDir), [], 'the staging folder on the VCB host is removed');
    assert.equal(api.jobs.finished.find((j) => j.kind === 'vcb-restore')?.state, 'succeeded');
  });

  it('cancel mid-backup: no folder in the repository, nothing staged on the host, no VCB snapshot', async () => {
    const repo = api.connections.repositoryFor(VC)!;
    const before = listRecursive(repo);
    fs.writeFileSync(info.delayFile, '4000'); // ms per MiB written: the 4 MiB disk takes seconds
    try {
      answer({ pick: [(items) => items.find((i) => i.label === 'Into the repository')] });
      const run = vscode.commands.executeCommand('vmbackup.vcbBackUp', await vmNode(VMS.clusterOff));
      const job = await waitFor(
        () => api.jobs.jobs.find((j) => j.record.kind === 'vcb-backup' && (j.record.progress?.bytesDone ?? 0) > 0),
        'the backup to write',
        SLOW / 2,
      );
      job.cancel();
      assert.equal(await run, undefined);
      assert.equal(job.state, 'cancelled');
    } finally {
      fs.writeFileSync(info.delayFile, '0');
    }
    assert.deepEqual(listRecursive(repo), before, 'nothing new in the repository');
    assert.deepEqual(fs.readdirSync(info.stagingDir), [], 'nothing staged on the VCB host');
    assert.deepEqual(
      (await snapshotsOf(VMS.clusterOff)).filter((n) => n.includes('VCB')),
      [],
      'no VCB snapshot',
    );
  });

  it('Restore with VCB… to the original place: the -b prompt question is answered in a modal', async () => {
    const dir = path.join(info.backups, 'off-original');
    answer({
      pick: [(items) => items.find((i) => i.label === 'To a folder on the VCB host')],
      input: [dir],
    });
    await vscode.commands.executeCommand('vmbackup.vcbBackUp', await vmNode(VMS.poweredOff));
    assert.ok(fs.existsSync(path.join(dir, 'catalog')), `the export is on the VCB host ${errorsShown()}`);
    answer({
      pick: [
        (items) => items.find((i) => i.label === 'To the original place'),
        (items) => items.find((i) => i.label === 'prompt'),
      ],
      confirm: [(_m, items) => items.find((i) => /^n/i.test(i))],
    });
    const r = (await vscode.commands.executeCommand('vmbackup.vcbRestore', await hostNode(), dir)) as {
      output: string;
    };
    const question = shown.find((s) => s.modal);
    assert.ok(question, 'the question in a modal');
    assert.match(question.message, /already known to VirtualCenter/);
    assert.match(r.output, /Kept the existing virtual machine/);
  });

  it('Restore with VCB… elsewhere: a catalog copy with live completion, validated, then restored onto LocalDS_1', async () => {
    const dir = path.join(info.backups, 'off-original');
    answer({ pick: [(items) => items.find((i) => i.label.startsWith('Elsewhere'))] });
    const editor = (await vscode.commands.executeCommand(
      'vmbackup.vcbRestore',
      await hostNode(),
      dir,
    )) as vscode.TextEditor;
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'vmbackup-vcb');
    assert.equal(doc.languageId, 'vcb-catalog');
    assert.equal(doc.getText(), fs.readFileSync(path.join(dir, 'catalog'), 'utf8'), 'a copy of the catalog');
    const labels = ((await completionsAfter(doc, 'config.vmx')) ?? []).map((i) =>
      typeof i.label === 'string' ? i.label : i.label.label,
    );
    assert.ok(
      labels.some((l) => l.includes('[LocalDS_1]')),
      `live datastores offered: ${labels.join(', ')}`,
    );
    const pools = await completionsAfter(doc, 'resourcepool');
    if (pools)
      assert.ok(
        pools.some((i) => i.detail === 'vcbUtil -c resourcepools'),
        'resource pools from vcbUtil -c resourcepools',
      );
    const edited = doc.getText().replace(/\[LocalDS_0\]/g, '[LocalDS_1]');
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), edited));
    assert.ok(await doc.save(), `saved ${errorsShown()}`);
    const [copyFolder] = stagingFolders();
    assert.ok(copyFolder, 'the copy is in a journalled staging folder');
    const copies = fs.readdirSync(path.join(info.stagingDir, copyFolder)).filter((n) => n.startsWith('catalog-'));
    assert.equal(copies.length, 1);
    assert.equal(fs.readFileSync(path.join(info.stagingDir, copyFolder, copies[0]), 'utf8'), edited, 'the saved copy');
    answer({ pick: [(items) => items.find((i) => i.label === 'abort')] });
    const r = await vscode.commands.executeCommand('vmbackup.vcbRunCatalogRestore', doc.uri);
    assert.ok(r, `the restore ran ${errorsShown()}`);
    assert.deepEqual(fs.readdirSync(info.stagingDir), [], 'the copy is removed after the restore');
    assert.equal(
      fs.readFileSync(path.join(dir, 'catalog'), 'utf8').includes('[LocalDS_1]'),
      false,
      'the backup is untouched',
    );
    const inv = await readInventory(await vim());
    const ds1 = inv.datastores.find((d) => d.name === 'LocalDS_1')!;
    assert.ok(
      inv.vms.some((v) => v.name === VMS.poweredOff && v.datastoreIds.includes(ds1.id)),
      'the VM is registered on LocalDS_1',
    );
  });

  it('Restore with VCB from the Repository… elsewhere: a catalog copy on the VCB host, edited with live names, then restoreFromRepository with it', async () => {
    const repo = api.connections.repositoryFor(VC)!;
    const entry = api.trees.backups.catalog(repo).find((e) => e.manifest?.platform === 'vcb');
    assert.ok(entry, 'the VCB backup in the Backups view');
    const node: BackupEntryNode = { kind: 'backup', key: `e2e:${entry.id}`, root: repo, entry, connections: [] };
    answer({ pick: [(items) => items.find((i) => i.label.startsWith('Elsewhere'))] });
    const editor = (await vscode.commands.executeCommand('vmbackup.vcbRestoreBackup', node)) as vscode.TextEditor;
    assert.ok(editor?.document, `a catalog copy is open ${errorsShown()}`);
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'vmbackup-vcb');
    assert.equal(doc.languageId, 'vcb-catalog');
    assert.equal(
      doc.getText(),
      fs.readFileSync(path.join(entry.dir, 'catalog'), 'utf8'),
      "a copy of the backup's catalog",
    );
    assert.equal(stagingFolders().length, 1, 'the copy is in a journalled staging folder on the VCB host');
    assert.ok(
      ((await completionsAfter(doc, 'config.vmx')) ?? []).some((i) =>
        (typeof i.label === 'string' ? i.label : i.label.label).includes('[LocalDS_1]'),
      ),
      'live datastores offered',
    );
    // Into a folder of its own on LocalDS_1 (the restore above put the VM at LocalDS_1's default place).
    const edited = doc.getText().replace(/\[LocalDS_0\] /g, '[LocalDS_1] from-repo-');
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), edited));
    answer({ pick: [(items) => items.find((i) => i.label === 'abort')] });
    const r = (await vscode.commands.executeCommand('vmbackup.vcbRunCatalogRestore', doc.uri)) as
      { output: string; staging: string } | undefined;
    assert.ok(r?.staging, `restored from the repository ${errorsShown()}`);
    const inv = await readInventory(await vim());
    const ds1 = inv.datastores.find((d) => d.name === 'LocalDS_1')!.url!.replace(/^ds:\/\//, '');
    const vmx = path.join(ds1, `from-repo-${VMS.poweredOff}`, `${VMS.poweredOff}.vmx`);
    assert.ok(fs.existsSync(vmx), `the VM's files are where the edited copy says: ${vmx}`);
    assert.deepEqual(fs.readdirSync(info.stagingDir), [], 'the upload and the catalog copy are removed');
    assert.equal(api.jobs.finished[0]?.kind, 'vcb-restore');
    assert.equal(api.jobs.finished[0]?.state, 'succeeded');
  });

  it('file level: the mount is browsed read-only through vmbackup-vcb:, then Unmount removes it', async () => {
    const vmName = VMS.suspended;
    const inv = await readInventory(await vim());
    const ds = inv.datastores.find((d) => d.name === 'LocalDS_0')!.url!.replace(/^ds:\/\//, '');
    const guest = tempDir('vmbk-guest-');
    fs.mkdirSync(path.join(guest, 'Windows'));
    fs.writeFileSync(path.join(guest, 'Windows', 'win.ini'), '[fonts]\r\n');
    // The lab's guest volumes are tar archives in the disk file (its convention: vcsim disks hold no file system).
    execFileSync('tar', ['-cf', path.join(ds, vmName, 'disk1.vmdk'), '-C', guest, '.']);
    fs.rmSync(guest, { recursive: true, force: true });
    const m = (await vscode.commands.executeCommand('vmbackup.vcbMountFiles', await vmNode(vmName))) as OpenMount;
    assert.ok(m?.id, `mounted ${errorsShown()}`);
    const mountNode = (await hostChildren()).find((k): k is VcbMountNode => k.kind === 'vcbMount');
    assert.ok(mountNode, 'the mount under the VCB host');
    const letters = (await api.trees.infrastructure.getChildren(mountNode)) as VcbMountEntryNode[];
    assert.deepEqual(
      letters.map((l) => l.rel),
      ['letters'],
    );
    const root = vscode.Uri.from({
      scheme: 'vmbackup-vcb',
      path: `/${encodeURIComponent(VC)}/${encodeURIComponent(hostId())}/mount/${m.id}`,
    });
    const file = vscode.Uri.joinPath(root, 'letters', 'C', 'Windows', 'win.ini');
    assert.deepEqual(await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, 'letters')), [
      ['C', vscode.FileType.Directory],
    ]);
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'), '[fonts]\r\n');
    assert.equal((await vscode.workspace.fs.stat(file)).permissions, vscode.FilePermission.Readonly);
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(file, Buffer.from('x'))),
      /read-only|NoPermissions/,
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    assert.ok(
      (await snapshotsOf(vmName)).some((s) => s.includes('VCB')),
      'the backup snapshot lives while mounted',
    );
    await vscode.commands.executeCommand('vmbackup.vcbUnmount', mountNode);
    assert.equal(api.vcb.mounts.size, 0);
    assert.ok(!fs.existsSync(m.mount.mountPoint), 'the mount point is gone');
    assert.deepEqual(await snapshotsOf(vmName), []);
    assert.ok(
      !vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === file.toString()),
      'its editor is closed',
    );
  });

  it('Find VMs (VCB)…: vcbVmName -s lists the VMs of a specifier, offered in a quick pick', async () => {
    const offered: string[] = [];
    answer({
      input: ['powerstate:off'],
      pick: [
        (items) => {
          offered.push(...items.map((i) => i.label));
          return undefined;
        },
      ],
    });
    const found = (await vscode.commands.executeCommand('vmbackup.vcbFindVms', await hostNode())) as
      FoundVm[] | undefined;
    assert.ok(found, `vcbVmName ran ${errorsShown()}`);
    const off = (await readInventory(await vim())).vms.filter((v) => v.powerState === 'poweredOff' && !v.template);
    assert.deepEqual(found.map((v) => v.name).sort(), off.map((v) => v.name).sort());
    assert.deepEqual(found.map((v) => v.moref).sort(), off.map((v) => v.id).sort(), 'as vSphere names them');
    await waitFor(() => offered.length > 0, 'the quick pick');
    assert.deepEqual(offered.sort(), found.map((v) => v.name).sort());
  });

  it("Clean Up VCB…: vcbCleanup -y and VCB's own _VCB-BACKUP_ snapshot removed after a modal; a user's snapshot kept", async () => {
    const vmName = VMS.clusterOff;
    const vmId = (await readInventory(await vim())).vms.find((v) => v.name === vmName)!.id;
    const opts = { memory: false, quiesce: false };
    const user = await createSnapshot(await vim(), vmId, { name: 'nightly', ...opts });
    try {
      await createSnapshot(await vim(), vmId, { name: '_VCB-BACKUP_', description: 'left by a killed job', ...opts });
      const listed = (await hostChildren()).filter((k): k is VcbSnapshotNode => k.kind === 'vcbSnapshot');
      assert.deepEqual(
        listed.map((k) => `${k.vmName} ${k.name}`),
        [`${vmName} _VCB-BACKUP_`],
        "the tree lists VCB's snapshot only",
      );
      answer({ confirm: ['Clean Up'] });
      const items = (await vscode.commands.executeCommand('vmbackup.vcbCleanUp', await hostNode())) as
        CleanupItem[] | undefined;
      assert.ok(items, `cleaned up ${errorsShown()}`);
      const modal = shown.find((s) => s.modal);
      assert.ok(modal?.detail?.includes('_VCB-BACKUP_'), `the modal lists the snapshot: ${modal?.detail}`);
      assert.ok(!modal?.detail?.includes('nightly'), "the user's snapshot is not offered");
      assert.ok(items.some((i) => i.action === 'deleted' && i.what.includes('(vcbCleanup -y')));
      assert.ok(items.some((i) => i.action === 'deleted' && i.what.includes('_VCB-BACKUP_')));
      assert.deepEqual(await snapshotsOf(vmName), ['nightly'], "the user's snapshot is kept");
      assert.ok((await hostChildren()).some((k) => k.kind === 'message' && /No VCB backup snapshots/.test(k.message)));
    } finally {
      await removeSnapshot(await vim(), user, { removeChildren: true });
    }
  });

  it('Back Up Group with VCB… / Restore Group with VCB…: vcbSnapAll and vcbResAll, one child job per VM under the group job', async () => {
    const before = (await readInventory(await vim())).vms.filter((v) => v.powerState === 'poweredOn' && !v.template);
    const names = before.map((v) => v.name).sort();
    const dest = path.join(info.backups, 'group-on');
    answer({ input: ['powerstate:on', dest] });
    const members = (await vscode.commands.executeCommand('vmbackup.vcbBackUpGroup', await hostNode())) as
      GroupMember[] | undefined;
    assert.ok(members, `vcbSnapAll ran ${errorsShown()}`);
    assert.deepEqual(members.map((m) => m.name).sort(), names);
    assert.ok(
      members.every((m) => m.ok && m.dir && fs.existsSync(path.join(m.dir, 'catalog'))),
      JSON.stringify(members),
    );
    const snap = jobWithChildren('vcb-snapall');
    assert.equal(snap.record.state, 'succeeded');
    assert.deepEqual(snap.kids.map((k) => k.context.vm).sort(), names, 'one child job per VM');
    assert.ok(snap.kids.every((k) => k.kind === 'vcb-snapall-vm' && k.state === 'succeeded'));
    for (const v of before)
      assert.deepEqual(
        (await snapshotsOf(v.name)).filter((n) => n.includes('VCB')),
        [],
      );

    answer({ input: [dest], pick: [(items) => items.find((i) => i.label === 'overwrite')] });
    const restored = (await vscode.commands.executeCommand('vmbackup.vcbRestoreGroup', await hostNode())) as
      GroupMember[] | undefined;
    assert.ok(restored, `vcbResAll ran ${errorsShown()}`);
    assert.deepEqual(restored.map((m) => m.name).sort(), names);
    assert.ok(
      restored.every((m) => m.ok),
      JSON.stringify(restored),
    );
    const res = jobWithChildren('vcb-resall');
    assert.equal(res.record.state, 'succeeded');
    assert.deepEqual(res.kids.map((k) => k.context.vm).sort(), names, 'one child job per VM');
    assert.ok(res.kids.every((k) => k.kind === 'vcb-resall-vm' && k.state === 'succeeded'));
    const after = (await readInventory(await vim())).vms;
    for (const v of before)
      assert.ok(
        after.some((a) => a.name === v.name && a.id !== v.id) && !after.some((a) => a.id === v.id),
        `${v.name} registered anew from its backup (overwrite)`,
      );
  });
});

/** The completion items for the value of the first catalog line starting with `key` (right after its `=`), if any. */
async function completionsAfter(doc: vscode.TextDocument, key: string): Promise<vscode.CompletionItem[] | undefined> {
  const line = [...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith(key));
  if (line === undefined) return undefined;
  const list = (await vscode.commands.executeCommand(
    'vscode.executeCompletionItemProvider',
    doc.uri,
    new vscode.Position(line, doc.lineAt(line).text.indexOf('=') + 1),
  )) as vscode.CompletionList;
  return list.items;
}

function listRecursive(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}
