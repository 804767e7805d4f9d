// What the Infrastructure tree tells at a glance (issue #16): a VM's tooltip (memory, vCPUs, host, IP from the guest
// metrics, power, last backup with its file), a connection whose login is refused shown on its own node with the vendor
// code, the suspended VM's icon, the current snapshot's "You are here", and a revert that leaves a running VM halted.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { VmNode } from '../../../src/views/nodes';
import { passwordEnvName } from '../../../src/core/connections';
import { answer, labApi, restorePrompts, shown, waitFor, xe } from './stubs';
import { allBackups, allVmNodes, connectionNode, snapshotNodes, tooltipText, vmNodes } from './trees';

const SLOW = 120_000;

const icon = (item: vscode.TreeItem) => item.iconPath as vscode.ThemeIcon;

describe('Tree details in VS Code: tooltips, connection errors, icons, You are here', function () {
  this.timeout(SLOW * 2);
  let api: VmBackupApi;
  before(async () => {
    api = await labApi();
  });
  afterEach(() => restorePrompts());

  it("a running VM's tooltip: memory, vCPUs, host, IP, power, and its last backup with date, age and file", async () => {
    const infra = api.trees.infrastructure;
    const vm = (await vmNodes(api, 'lab')).find((n) => n.vm.powerState === 'running' && n.path.length === 2)!;
    assert.ok(vm, 'a running VM under its host');
    const before = tooltipText(infra.getTreeItem(vm));
    assert.match(before, /Memory: \d+\.\d GiB/);
    assert.match(before, new RegExp(`vCPUs: ${vm.vm.vcpus}`));
    assert.ok(before.includes(`Host: ${vm.path[1].name}`), before);
    // The lab's guest agent reports an address of the documentation range (seed.ts, xapi_guest_agent.ml keys).
    assert.match(before, /IP: 192\.0\.2\.\d+, 2001:db8::/);
    assert.match(before, /Power: running/);

    await vscode.commands.executeCommand('vmbackup.backupVm', vm);
    const entry = await waitFor(
      async () =>
        (await allBackups(api)).find(
          (n): n is Extract<typeof n, { kind: 'backup' }> => n.kind === 'backup' && n.entry.vmUuid === vm.vm.uuid,
        ),
      'the backup in the Backups view',
      SLOW,
    );
    const after = (await vmNodes(api, 'lab')).find((n) => n.vm.id === vm.vm.id)!;
    const text = tooltipText(infra.getTreeItem(after));
    const file = entry.entry.files.find((f) => f.name.endsWith('.xva'))!.name;
    assert.ok(text.includes('Last backup: '), text);
    assert.match(text, /\(\d+ s ago\)/);
    assert.ok(text.includes(`${entry.entry.id}/${file}`), text);
    assert.ok(text.includes(entry.entry.created!.toLocaleString(vscode.env.language)), text);
  });

  it('a wrong password shows on the connection node (icon, description, tooltip with SESSION_AUTHENTICATION_FAILED), not as a row below it', async () => {
    const infra = api.trees.infrastructure;
    const url = process.env.VMBACKUP_E2E_LAB_URL!;
    await api.connections.add({ name: 'lab-wrong', platform: 'xen', url, username: 'root' }, 'not-the-password');
    try {
      infra.refresh();
      const conn = await connectionNode(api, 'lab-wrong');
      const fired: unknown[] = [];
      const sub = infra.onDidChangeTreeData((e) => fired.push(e));
      const children = await infra.getChildren(conn);
      assert.deepEqual(children, [], 'no error row, no stale rows below the connection');
      await waitFor(() => fired.length > 0, 'the connection node repainted');
      sub.dispose();
      const item = infra.getTreeItem(conn);
      assert.equal(icon(item).id, 'lock');
      assert.equal((icon(item).color as vscode.ThemeColor).id, 'errorForeground');
      assert.equal(item.description, 'login refused · SESSION_AUTHENTICATION_FAILED');
      assert.match(tooltipText(item), /connection "lab-wrong".*SESSION_AUTHENTICATION_FAILED/);
      assert.ok(!tooltipText(item).includes('not-the-password'), 'the password never shows');
      assert.match(String(item.contextValue), /(^|;)connection(;|$)/);
      assert.match(String(item.contextValue), /(^|;)canRetry(;|$)/);
      assert.doesNotMatch(String(item.contextValue), /canPinCertificate/, 'a login failure offers no pin');
      // The other connection is untouched.
      const lab = infra.getTreeItem(await connectionNode(api, 'lab'));
      assert.equal(icon(lab).id, 'plug');
    } finally {
      await api.connections.remove('lab-wrong').catch(() => undefined);
      infra.refresh();
    }
  });

  it('a suspended VM has the VM icon in the suspended colour; the current snapshot says "You are here" with a location pin', async () => {
    const infra = api.trees.infrastructure;
    const vms = await vmNodes(api, 'lab');
    // The lab's suspended VM is shut down by the pool metadata test; the vCenter's (vcsim) stays suspended.
    const suspended = [...vms, ...(await allVmNodes(api, 'vcenter'))].find(
      (n) => n.vm.powerState === 'suspended' && !n.vm.suspendDiskMissing,
    );
    assert.ok(suspended, 'a suspended VM in the lab or the vCenter');
    const s = icon(infra.getTreeItem(suspended));
    assert.equal(s.id, 'vm');
    assert.equal((s.color as vscode.ThemeColor).id, 'charts.yellow');

    const withChain = vms.find((n) => n.vm.snapshotCount > 1)!;
    const snaps = await snapshotNodes(api, withChain);
    const current = snaps.filter((n) => n.snapshot.isCurrent);
    assert.equal(current.length, 1);
    const item = infra.getTreeItem(current[0]);
    assert.equal(icon(item).id, 'location');
    assert.match(String(item.description), /You are here/);
    for (const n of snaps) assert.notEqual(icon(infra.getTreeItem(n)).id, 'pass-filled', 'no success check');
  });

  it('reverting a running VM to a disk-only snapshot says it will be halted, then offers Start VM, which starts it', async () => {
    const session = await xe('session.login_with_password', 'root', process.env[passwordEnvName('lab')], '2.21', 'e2e');
    const vm = (await vmNodes(api, 'lab')).find((n) => n.vm.powerState === 'running')!;
    try {
      await xe('VM.snapshot', session, vm.vm.id, 'disk only (e2e)');
      const snap = await waitFor(async () => {
        const fresh = (await vmNodes(api, 'lab')).find((n): n is VmNode => n.vm.id === vm.vm.id);
        return fresh && (await snapshotNodes(api, fresh)).find((n) => n.snapshot.name === 'disk only (e2e)');
      }, 'the snapshot in the tree');
      assert.equal(snap.snapshot.withMemory, false);
      answer({ confirm: ['Revert', 'Start VM'] });
      await vscode.commands.executeCommand('vmbackup.revertSnapshot', snap);
      const confirmation = shown.find((m) => m.modal)!;
      assert.match(String(confirmation.detail), /holds no memory \(disk only\): after the revert the VM is halted/);
      const offer = shown.find((m) => m.items.includes('Start VM'));
      assert.ok(offer, JSON.stringify(shown));
      assert.match(offer.message, /the VM is halted \(the snapshot holds no memory\)/);
      await waitFor(
        async () => (await xe('VM.get_power_state', session, vm.vm.id)) === 'Running',
        'the VM started again',
        SLOW,
      );
    } finally {
      await xe('session.logout', session).catch(() => undefined);
    }
  });
});
