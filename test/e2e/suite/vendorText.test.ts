// Issue #11 item 17 in VS Code: vendor-supplied text reaches the trees with its control characters escaped.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { XenProvider } from '../../../src/providers/xen/xenProvider';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';
import { tooltipText, vmNodes } from './trees';

describe('Vendor text in VS Code: control characters escaped', function () {
  this.timeout(60_000);
  let api: VmBackupApi;
  before(async () => {
    api = await labApi();
  });
  afterEach(() => restorePrompts());

  const vms = () => vmNodes(api, 'lab');

  it('a VM named with ESC and U+202E shows escaped in the Infrastructure tree, its tooltip and the VM picker', async () => {
    const xapi = ((await api.connections.provider('lab')) as unknown as XenProvider).xapi;
    const victim = (await vms()).find((n) => n.vm.powerState === 'halted')!;
    assert.ok(victim, 'the lab has a halted VM');
    const original = victim.vm.name;
    try {
      await xapi.call('VM.set_name_label', victim.vm.id, 'evil\u001b[31m\u202egpj.exe');
      // The tree repaints from the pool's event stream: wait for the new name (raw in the model, as the vendor has it).
      const node = await waitFor(
        async () =>
          (await vms()).find((n) => n.vm.uuid === victim.vm.uuid && n.vm.name === 'evil\u001b[31m\u202egpj.exe'),
        'the renamed VM in the tree',
        30_000,
      );
      const item = api.trees.infrastructure.getTreeItem(node);
      assert.equal(item.label, 'evil\\e[31m\\u202egpj.exe');
      // As the tooltip reads (its Markdown escapes undone): the name escaped, no raw control character in its source.
      const source = (item.tooltip as vscode.MarkdownString).value;
      assert.ok(tooltipText(item).includes('evil\\e[31m\\u202egpj.exe') && !/[\u001b\u202e]/.test(source), source);

      // The palette's VM picker: its label is escaped too.
      let labels: string[] = [];
      // A workspace with several connections first asks for one: take "lab"; the next picker is the VMs'.
      const onPick = (items: readonly vscode.QuickPickItem[]) => {
        const lab = items.find((i) => i.label === 'lab');
        if (lab) return lab;
        labels = items.map((i) => i.label);
        return undefined;
      };
      answer({ pick: [onPick, onPick, onPick] });
      await vscode.commands.executeCommand('vmbackup.backupVm');
      assert.ok(labels.includes('evil\\e[31m\\u202egpj.exe'), JSON.stringify(labels));
      assert.ok(
        labels.every((l) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(l)),
        JSON.stringify(labels),
      );
      assert.equal(shown.filter((s) => s.level === 'error').length, 0, JSON.stringify(shown));
    } finally {
      await xapi.call('VM.set_name_label', victim.vm.id, original);
      api.trees.infrastructure.refresh();
    }
  });
});
