// Runs inside the real VS Code extension host (code-server 1.100.3), against the XAPI lab.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { InfraNode, VmNode, SnapshotNode, ContainerNode } from '../../../src/views/nodes';
import { answer, restorePrompts, waitFor } from './stubs';
import { allBackups } from './trees';

const EXT_ID = 'vmbackup.vm-backup-explorer';

async function children(api: VmBackupApi, node?: InfraNode): Promise<InfraNode[]> {
  return api.trees.infrastructure.getChildren(node);
}

describe('VM Backup Explorer in VS Code', () => {
  let api: VmBackupApi;
  let pool: ContainerNode;
  let vms: VmNode[];

  before(async () => {
    const ext = vscode.extensions.getExtension<VmBackupApi>(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} is loaded`);
    api = await ext.activate();
    await waitFor(() => api.connections.connections.length > 0, 'the lab connection from .vmbackup/connections.yaml');
  });
  afterEach(() => restorePrompts());

  it('registers its commands and views', async () => {
    const cmds = await vscode.commands.getCommands(true);
    for (const c of [
      'vmbackup.createSnapshot',
      'vmbackup.backupVm',
      'vmbackup.restoreVm',
      'vmbackup.restoreMetadata',
      'vmbackup.cancelJob',
    ])
      assert.ok(cmds.includes(c), c);
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON;
    const menus = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    assert.ok(menus.some((m) => m.command === 'vmbackup.createSnapshot' && /canSnapshot/.test(m.when)));
  });

  it('shows connection → pool → hosts → VMs of the lab, with power states', async () => {
    const [conn] = await children(api);
    assert.equal(conn.kind, 'connection');
    const pools = await children(api, conn);
    pool = pools.find((n): n is ContainerNode => n.kind === 'container' && n.container.kind === 'pool')!;
    assert.ok(pool, `pool node, got ${JSON.stringify(pools.map((p) => p.kind))}`);
    const under = await children(api, pool);
    const hosts = under.filter((n) => n.kind === 'container' && n.container.kind === 'host');
    assert.equal(hosts.length, 3);
    vms = [];
    for (const h of hosts) vms.push(...(await children(api, h)).filter((n): n is VmNode => n.kind === 'vm'));
    vms.push(...under.filter((n): n is VmNode => n.kind === 'vm'));
    assert.equal(vms.length, 12);
    const item = api.trees.infrastructure.getTreeItem(vms.find((v) => v.vm.powerState === 'running')!);
    assert.match(String(item.contextValue), /(^|;)vm(;|$)/);
    assert.match(String(item.contextValue), /(^|;)canSnapshot(;|$)/);
    assert.match(String(item.description), /running/i);
  });

  it("a Xen VM's right-click shows Xen's items and none of the vSphere-only ones", async () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON;
    const menus = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    /** The commands package.json's `when` clauses show on an Infrastructure item with this contextValue. */
    const shownOn = (contextValue: string) =>
      new Set(
        menus
          .filter((m) => m.when.includes('view == vmbackup.infrastructure'))
          .filter((m) => {
            const re = /viewItem =~ \/(.*)\/$/.exec(m.when);
            return !!re && new RegExp(re[1]).test(contextValue);
          })
          .map((m) => m.command),
      );
    const running = vms.find((v) => v.vm.powerState === 'running')!;
    const shown = shownOn(String(api.trees.infrastructure.getTreeItem(running).contextValue));
    for (const c of ['vmbackup.createSnapshot', 'vmbackup.backupVm', 'vmbackup.backupMetadata'])
      assert.ok(shown.has(c), `${c} on a running Xen VM: ${[...shown].join(', ')}`);
    for (const c of [
      'vmbackup.createSnapshotWithMemory',
      'vmbackup.createQuiescedSnapshot',
      'vmbackup.deleteAllSnapshots',
      'vmbackup.consolidateVm',
    ])
      assert.ok(!shown.has(c), `${c} is vSphere-only: not on a Xen VM`);
    const poolMenu = shownOn(String(api.trees.infrastructure.getTreeItem(pool).contextValue));
    assert.ok(poolMenu.has('vmbackup.backupMetadata') && poolMenu.has('vmbackup.restoreMetadata'));
  });

  it('creates a snapshot from the command and shows it under the VM', async () => {
    const vm = vms.find((v) => v.vm.powerState === 'running')!;
    answer({ input: ['e2e snapshot'] });
    await vscode.commands.executeCommand('vmbackup.createSnapshot', vm);
    const snaps = await waitFor(async () => {
      const fresh = (await children(api, vm)).filter((n): n is SnapshotNode => n.kind === 'snapshot');
      return fresh.some((s) => s.snapshot.name === 'e2e snapshot') ? fresh : undefined;
    }, 'the new snapshot under the VM');
    assert.ok(snaps.length >= 1);
    const finished = api.jobs.finished.find((j) => j.kind === 'snapshot');
    assert.equal(finished?.state, 'succeeded');
  });

  it('backs up a VM into the Backups view, then restores it as a new VM', async () => {
    const vm = vms.find((v) => v.vm.powerState === 'halted')!;
    await vscode.commands.executeCommand('vmbackup.backupVm', vm);
    const entry = await waitFor(
      async () => (await allBackups(api)).find((n) => n.kind === 'backup' && n.entry.vmUuid === vm.vm.uuid),
      'the backup in the Backups view',
    );
    assert.equal(entry.kind, 'backup');
    const beforeCount = (await api.connections.provider('lab').then((p) => p.listVms())).length;
    // The wizard: mode, storage, one network step per VIF (the network of the same name offered first), name, start.
    const networkSteps: string[] = [];
    const next = (items: readonly vscode.QuickPickItem[]) => {
      if (items.some((i) => i.label === 'Leave it halted')) return items.find((i) => i.label === 'Leave it halted');
      if (items[0]?.description === 'same name as in the backup') networkSteps.push(items[0].label);
      return items[0];
    };
    answer({
      input: ['restored-by-e2e'],
      pick: [(items) => items.find((i) => i.label === 'New VM'), next, next, next, next, next, next],
      confirm: [],
    });
    await vscode.commands.executeCommand('vmbackup.restoreVm', entry);
    const after = await waitFor(async () => {
      const list = await (await api.connections.provider('lab')).listVms();
      return list.length > beforeCount ? list : undefined;
    }, 'the restored VM');
    assert.ok(
      after.some((v) => v.name === 'restored-by-e2e'),
      after.map((v) => v.name).join(),
    );
    assert.ok(networkSteps.length >= 1, 'a network step per VIF, the same-name network first');
    assert.ok(
      networkSteps.every((n) => n === 'Pool-wide network associated with eth0'),
      networkSteps.join(),
    );
    assert.ok(
      api.jobs.finished.some((j) => j.kind === 'restore' && j.state === 'succeeded') ||
        api.jobs.finished.some((j) => /restore/i.test(j.title) && j.state === 'succeeded'),
    );
  });

  it('records failures with the vendor code in the Jobs view (snapshot of a snapshot)', async () => {
    const vm = vms.find((v) => v.vm.snapshotCount >= 2)!;
    const snap = (await children(api, vm)).find((n): n is SnapshotNode => n.kind === 'snapshot')!;
    const fake: VmNode = {
      ...vm,
      key: vm.key + '/fake',
      vm: { ...vm.vm, id: snap.snapshot.id, name: snap.snapshot.name },
    };
    answer({ input: ['nested'] });
    await vscode.commands.executeCommand('vmbackup.createSnapshot', fake).then(undefined, () => undefined);
    const failed = await waitFor(() => api.jobs.finished.find((j) => j.state === 'failed'), 'a failed job');
    assert.equal(failed.error?.code, 'VM_IS_SNAPSHOT');
    const jobNodes = api.trees.jobs.getChildren();
    assert.ok(jobNodes.some((n) => n.kind === 'record' && n.record.id === failed.id));
  });
});
