// Job feedback a user can trust (issue #16): one result notification per backup with Verify and Reveal in Explorer,
// and Show Job Log as a read-only document (vmbackup-job: scheme) saying what was transferred.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { InfraNode, VmNode } from '../../../src/views/nodes';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';

async function haltedVm(api: VmBackupApi): Promise<VmNode> {
  const walk = async (node?: InfraNode): Promise<VmNode | undefined> => {
    for (const n of await api.trees.infrastructure.getChildren(node)) {
      if (n.kind === 'vm' && n.vm.powerState === 'halted') return n;
      if (n.kind === 'connection' || n.kind === 'container') {
        const hit = await walk(n);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return (await walk())!;
}

describe('Job feedback: result notification and job log document', () => {
  let api: VmBackupApi;
  before(async () => {
    api = await labApi();
  });
  afterEach(() => restorePrompts());

  it('a backup ends with one notification naming what was written, offering Verify and Reveal in Explorer', async () => {
    const vm = await haltedVm(api);
    const before = api.jobs.finished.length;
    answer({ confirm: [] });
    await vscode.commands.executeCommand('vmbackup.backupVm', vm);
    const job = await waitFor(
      () => api.jobs.finished.slice(0, api.jobs.finished.length - before).find((j) => j.kind === 'backup-vm'),
      'the backup job',
    );
    assert.equal(job.state, 'succeeded');
    const results = await waitFor(() => {
      const r = shown.filter((s) => s.level === 'info' && s.message.startsWith(`Back up ${vm.vm.name} succeeded`));
      return r.length ? r : undefined;
    }, 'the result notification');
    assert.equal(results.length, 1, JSON.stringify(shown));
    assert.deepEqual(results[0].items, ['Verify', 'Reveal in Explorer', 'Show Log']);
    assert.match(results[0].message, /succeeded — \d+ s, [\d.]+ (B|KiB|MiB|GiB), /);
    assert.equal(shown.filter((s) => s.level === 'error').length, 0);
  });

  it('Show Job Log opens a read-only vmbackup-job: document with source, file, bytes, sha256 and duration', async () => {
    const record = api.jobs.finished.find((j) => j.kind === 'backup-vm' && j.state === 'succeeded')!;
    await vscode.commands.executeCommand('vmbackup.showJobLog', { kind: 'record', key: `job:${record.id}`, record });
    const editor = await waitFor(
      () =>
        vscode.window.activeTextEditor?.document.uri.scheme === 'vmbackup-job'
          ? vscode.window.activeTextEditor
          : undefined,
      'the job log editor',
    );
    const doc = editor.document;
    assert.equal(doc.isUntitled, false);
    assert.equal(doc.languageId, 'log');
    const text = doc.getText();
    assert.match(text, new RegExp(`^source: connection "lab".*${record.context.vm}`, 'm'));
    assert.match(text, /^file: .*\.xva · \d+ bytes \(.*\) · sha256 [0-9a-f]{64}$/m);
    assert.match(text, /^bytes: \d+ /m);
    assert.match(text, /^duration: \d+ s$/m);
    // Not an Untitled file to save: a document of the extension's read-only content provider.
    assert.equal(doc.uri.scheme, 'vmbackup-job');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled && d.getText().includes(record.title)));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
