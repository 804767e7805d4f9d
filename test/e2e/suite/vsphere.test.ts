// The vCenter beside the pool, inside the real VS Code (issue #12): the e2e runner starts VMware's simulator with the
// fixed inventory of test/peers/vcsim/vcsimLab.ts and writes connection "vcenter" (thumbprint pinned, password through
// VMBACKUP_PASSWORD_VCENTER) into the workspace. Tree, snapshot, backup into the repository, restore to the other
// datastore, revert and delete, through the extension's commands with scripted answers.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { VmwareProvider } from '../../../src/providers/vmware/vmwareProvider';
import { readInventory, readVm } from '../../../src/providers/vmware/vmwareInventory';
import { flattenSnapshots } from '../../../src/providers/vmware/vmwareRecords';
import type { BackupEntryNode, VmNode } from '../../../src/views/nodes';
import { VCSIM_LAB_DATASTORES as DS, VCSIM_LAB_SNAPSHOTS, VCSIM_LAB_VMS as VMS } from '../../peers/vcsim/vcsimLab';
import { VCENTER_CONNECTION as VC } from '../../../src/cli/labVerb';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';
import { allBackups, allVmNodes, outline, snapshotNodes } from './trees';

/** Waits for transfers: generous for a slow 2-core CI machine. */
const SLOW = 60_000;
const EXT_ID = 'vmbackup.vm-backup-explorer';

describe('vCenter (vcsim) in VS Code: tree, snapshot, backup, restore to another datastore, revert, delete', function () {
  this.timeout(120_000);
  let api: VmBackupApi;
  let repo: string;

  before(async () => {
    api = await labApi();
    await waitFor(() => api.connections.get(VC), `connection "${VC}" from .vmbackup/connections.yaml`);
    repo = api.connections.repositoryFor(VC)!;
    assert.ok(repo, `connection "${VC}" has a repository`);
  });
  afterEach(() => restorePrompts());

  /** The extension's own vSphere client (logged in with the password it moved into SecretStorage). */
  const vim = async () => ((await api.connections.provider(VC)) as unknown as VmwareProvider).vim;
  const vmNode = async (name: string): Promise<VmNode> => {
    const n = (await allVmNodes(api, VC)).find((v) => v.vm.name === name);
    assert.ok(n, `VM ${name} is in the tree`);
    return n;
  };
  const snapshotsInVcsim = async (vmName: string) => {
    const client = await vim();
    const vm = (await readInventory(client)).vms.find((v) => v.name === vmName)!;
    return flattenSnapshots((await readVm(client, vm.id)).snapshots);
  };
  const newJobs = (since: Set<string>) => api.jobs.finished.filter((r) => !since.has(r.id));
  /** The VM's backup entry in the Backups view (after a refresh), checked to be in the repository under the VM. */
  const backupEntryOf = async (vmName: string): Promise<BackupEntryNode> => {
    api.trees.backups.refresh();
    const entry = await waitFor(
      async () =>
        (await allBackups(api)).find((n): n is BackupEntryNode => n.kind === 'backup' && n.entry.vmName === vmName),
      `the backup of ${vmName} in the Backups view`,
      SLOW,
    );
    assert.equal(path.relative(repo, entry.entry.dir).split(path.sep)[0], vmName, 'in the repository, under the VM');
    return entry;
  };
  /** Runs `command` on `node` answering its modal confirmation with `reply`; checks the question; the job, succeeded. */
  const confirmedJob = async (command: string, node: unknown, reply: string, question: string) => {
    answer({ confirm: [reply] });
    const since = new Set(api.jobs.finished.map((r) => r.id));
    await vscode.commands.executeCommand(command, node);
    assert.ok(shown[0]?.modal, 'the confirmation is modal');
    assert.equal(shown[0].message, question);
    const [job] = newJobs(since);
    assert.equal(job?.state, 'succeeded', JSON.stringify(job));
    return job;
  };
  /** The VM's snapshot names (parents first) are `want` in vcsim, and in the tree once it refreshed. */
  const expectSnapshots = async (vmName: string, want: string[]) => {
    assert.deepEqual(
      (await snapshotsInVcsim(vmName)).map((s) => s.name),
      want,
    );
    await waitFor(
      async () => {
        const names = (await snapshotNodes(api, await vmNode(vmName))).map((s) => s.snapshot.name);
        return JSON.stringify(names) === JSON.stringify(want);
      },
      `the snapshots of ${vmName} in the tree: ${JSON.stringify(want)}`,
    );
  };

  it('shows datacenter → cluster → hosts, the standalone host, VMs with their power states, and the snapshot chain with "You are here"', async () => {
    const lines = await outline(api, VC, { kinds: true });
    const at = (line: string) => {
      const i = lines.indexOf(line);
      assert.ok(i >= 0, `${JSON.stringify(line)} in:\n${lines.join('\n')}`);
      return i;
    };
    assert.equal(lines[0], 'DC0 [datacenter]', lines.join('\n'));
    at('  DC0_C0 [cluster]');
    for (const h of ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']) at(`    ${h} [host]`);
    const standalone = at('  DC0_H0 [host]');
    // The connection ends with its Storage group: the datastores with their free space.
    const storage = at('Storage');
    for (const ds of Object.values(DS))
      assert.ok(
        lines.some((l) => l.startsWith(`  ${ds}`)),
        `${ds} under Storage`,
      );
    assert.deepEqual(
      lines.slice(standalone + 1, storage),
      [`    ${VMS.running}`, `    ${VMS.poweredOff}`, `    ${VMS.suspended}`],
      'the standalone host holds its three VMs (last in the datacenter)',
    );
    const vms = await allVmNodes(api, VC);
    assert.deepEqual(vms.map((v) => v.vm.name).sort(), Object.values(VMS).sort());
    for (const v of vms.filter((n) => n.vm.name.startsWith('DC0_C0_')))
      assert.deepEqual(
        v.path.map((c) => c.kind),
        ['datacenter', 'cluster', 'host'],
        `${v.vm.name} is under a host of the cluster`,
      );
    const state = (name: string) => vms.find((v) => v.vm.name === name)!.vm.powerState;
    assert.deepEqual([VMS.running, VMS.poweredOff, VMS.suspended, VMS.withSnapshots, VMS.clusterOff].map(state), [
      'running',
      'halted',
      'suspended',
      'running',
      'halted',
    ]);
    const withSnaps = await vmNode(VMS.withSnapshots);
    const snaps = await snapshotNodes(api, withSnaps);
    assert.deepEqual(
      snaps.map((s) => [
        s.snapshot.name,
        s.snapshot.parentId ? snaps.find((p) => p.snapshot.id === s.snapshot.parentId)?.snapshot.name : null,
      ]),
      [
        [VCSIM_LAB_SNAPSHOTS.chain[0], null],
        [VCSIM_LAB_SNAPSHOTS.chain[1], VCSIM_LAB_SNAPSHOTS.chain[0]],
        [VCSIM_LAB_SNAPSHOTS.chain[2], VCSIM_LAB_SNAPSHOTS.chain[1]],
      ],
      'a chain',
    );
    const here = snaps.filter((s) => /You are here/.test(String(api.trees.infrastructure.getTreeItem(s).description)));
    assert.deepEqual(
      here.map((s) => s.snapshot.name),
      [VCSIM_LAB_SNAPSHOTS.current],
    );
    assert.match(String(api.trees.infrastructure.getTreeItem(here[0]).contextValue), /(^|;)current(;|$)/);
  });

  it('offers memory only for a running VM and quiesce only where VMware Tools run (launcher -tools-running)', async () => {
    const tokens = async (name: string) =>
      String(api.trees.infrastructure.getTreeItem(await vmNode(name)).contextValue).split(';');
    const running = await tokens(VMS.running);
    assert.ok(running.includes('canSnapshot') && running.includes('canSnapshotMemory'), running.join(';'));
    assert.ok(!running.includes('canQuiesce'), running.join(';'));
    const off = await tokens(VMS.poweredOff);
    assert.ok(
      off.includes('canSnapshot') && !off.includes('canSnapshotMemory') && !off.includes('canQuiesce'),
      off.join(';'),
    );
    const tools = await tokens(VMS.clusterRunning);
    assert.ok(tools.includes('canSnapshotMemory') && tools.includes('canQuiesce'), tools.join(';'));
    const menus = vscode.extensions.getExtension(EXT_ID)!.packageJSON.contributes.menus['view/item/context'] as Array<{
      command: string;
      when: string;
    }>;
    assert.ok(menus.some((m) => m.command === 'vmbackup.createSnapshotWithMemory' && /canSnapshotMemory/.test(m.when)));
    assert.ok(menus.some((m) => m.command === 'vmbackup.createQuiescedSnapshot' && /canQuiesce/.test(m.when)));

    // Asked from a VM without Tools, the quiesced snapshot offers only the vCenter VM whose Tools run (dismissed here).
    let offered: string[] = [];
    answer({
      pick: [
        (items) => items.find((i) => i.label === VC),
        (items) => {
          offered = items.map((i) => i.label);
          return undefined;
        },
      ],
    });
    await vscode.commands.executeCommand('vmbackup.createQuiescedSnapshot', await vmNode(VMS.running));
    assert.deepEqual(offered, [VMS.clusterRunning]);
    assert.deepEqual(await snapshotsInVcsim(VMS.running), [], 'no snapshot was taken');
  });

  it('takes a quiesced snapshot of the VM whose Tools run: quiesce true in the job log, quiesced in vcsim', async () => {
    const since = new Set(api.jobs.finished.map((r) => r.id));
    answer({ input: ['e2e vc quiesced'] });
    await vscode.commands.executeCommand('vmbackup.createQuiescedSnapshot', await vmNode(VMS.clusterRunning));
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'snapshot');
    assert.equal(job.title, `Quiesced snapshot of ${VMS.clusterRunning}`);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    assert.ok(
      job.log.some((l) => /CreateSnapshot_Task "e2e vc quiesced" \(memory false, quiesce true\)/.test(l)),
      job.log.join('\n'),
    );
    assert.deepEqual(
      (await snapshotsInVcsim(VMS.clusterRunning)).map((s) => [s.name, s.quiesced, s.isCurrent]),
      [['e2e vc quiesced', true, true]],
    );
    await waitFor(async () => {
      const n = (await snapshotNodes(api, await vmNode(VMS.clusterRunning))).map((s) => s.snapshot.name);
      return n.includes('e2e vc quiesced');
    }, 'the quiesced snapshot under the VM');
  });

  it('takes a snapshot with memory of a running VM: the job in Jobs, the snapshot under the VM and in vcsim', async () => {
    const vm = await vmNode(VMS.running);
    const since = new Set(api.jobs.finished.map((r) => r.id));
    answer({ input: ['e2e vc snapshot'] });
    await vscode.commands.executeCommand('vmbackup.createSnapshotWithMemory', vm);
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'snapshot');
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    assert.ok(
      job.log.some((l) => /CreateSnapshot_Task "e2e vc snapshot" \(memory true, quiesce false\)/.test(l)),
      job.log.join('\n'),
    );
    assert.ok(
      api.trees.jobs.getChildren().some((n) => n.kind === 'record' && n.record.id === job.id),
      'the job is a row of the Jobs view',
    );
    const names = await waitFor(async () => {
      const n = (await snapshotNodes(api, await vmNode(VMS.running))).map((s) => s.snapshot.name);
      return n.includes('e2e vc snapshot') ? n : undefined;
    }, 'the snapshot under the VM');
    assert.deepEqual(names, ['e2e vc snapshot']);
    assert.deepEqual(
      (await snapshotsInVcsim(VMS.running)).map((s) => [s.name, s.isCurrent]),
      [['e2e vc snapshot', true]],
    );
  });

  let backup: BackupEntryNode;
  it('backs up a VM: the job in Jobs, its files and manifest in the repository, the entry in Backups, no snapshot left', async () => {
    const vm = await vmNode(VMS.poweredOff);
    const since = new Set(api.jobs.finished.map((r) => r.id));
    let forms: string[] = [];
    answer({
      pick: [
        (items) => {
          forms = items.map((i) => i.label);
          return items.find((i) => i.label === 'Image');
        },
      ],
    });
    await vscode.commands.executeCommand('vmbackup.backupVm', vm);
    assert.deepEqual(forms, ['Image', 'OVF'], "the forms the vCenter's capabilities declare (backupFormats)");
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'backup-vm');
    assert.equal(job.title, `Back up ${VMS.poweredOff}`);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    assert.ok(
      api.trees.jobs.getChildren().some((n) => n.kind === 'record' && n.record.id === job.id),
      'the job is a row of the Jobs view',
    );
    backup = await backupEntryOf(VMS.poweredOff);
    const dir = backup.entry.dir;
    const m = backup.entry.manifest!;
    assert.equal(m.platform, 'vmware');
    assert.equal(m.kind, 'vm');
    assert.equal(m.source.connection, VC);
    assert.deepEqual(m.files.map((f) => f.name).sort(), [
      `${DS.vms}/${VMS.poweredOff}/${VMS.poweredOff}.nvram`,
      `${DS.vms}/${VMS.poweredOff}/${VMS.poweredOff}.vmx`,
      `${DS.vms}/${VMS.poweredOff}/disk1-flat.vmdk`,
      `${DS.vms}/${VMS.poweredOff}/disk1.vmdk`,
    ]);
    for (const f of m.files) {
      const onDisk = path.join(dir, ...f.name.split('/'));
      assert.ok(fs.existsSync(onDisk), `${onDisk} (of ${f.name})`);
      assert.equal(fs.statSync(onDisk).size, f.bytes, f.name);
    }
    assert.equal(m.files.find((f) => f.name.endsWith('-flat.vmdk'))!.bytes, 4 * 1024 * 1024);
    assert.deepEqual(
      fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.part')),
      [],
      'no .part',
    );
    assert.deepEqual(await snapshotsInVcsim(VMS.poweredOff), [], 'no temporary snapshot left');
  });

  it('backs up a VM as OVF when that form is picked: its .ovf, disk and manifest in the repository, no snapshot left', async () => {
    const since = new Set(api.jobs.finished.map((r) => r.id));
    answer({ pick: [(items) => items.find((i) => i.label === 'OVF')] });
    await vscode.commands.executeCommand('vmbackup.backupVm', await vmNode(VMS.clusterOff));
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'backup-vm');
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const ovf = await backupEntryOf(VMS.clusterOff);
    const dir = ovf.entry.dir;
    const m = ovf.entry.manifest!;
    assert.equal(m.platform, 'vmware');
    assert.deepEqual(m.files.map((f) => f.name).sort(), [`${VMS.clusterOff}.ovf`, 'disk-0.vmdk']);
    for (const f of m.files) assert.equal(fs.statSync(path.join(dir, f.name)).size, f.bytes, f.name);
    assert.match(fs.readFileSync(path.join(dir, `${VMS.clusterOff}.ovf`), 'utf8'), /<Envelope[\s>]/);
    assert.deepEqual(fs.readdirSync(dir).sort(), [`${VMS.clusterOff}.ovf`, 'disk-0.vmdk', 'manifest.json']);
    assert.deepEqual(await snapshotsInVcsim(VMS.clusterOff), [], 'no temporary snapshot left');
  });

  it('restores the backup as a new VM on the other datastore: the picker offers both, the VM is registered in vcsim', async () => {
    assert.ok(backup, 'the backup of the test before');
    let offered: string[] = [];
    // Mode, datastore, then the vSphere placement steps (each "where it was" first), a step per NIC, power on.
    const next = (items: readonly vscode.QuickPickItem[]) => {
      if (items.some((i) => i.label === 'New VM')) return items.find((i) => i.label === 'New VM');
      if (items.some((i) => i.label === DS.empty)) {
        offered = items.map((i) => i.label);
        return items.find((i) => i.label === DS.empty);
      }
      if (items.some((i) => i.label === 'Leave it halted')) return items.find((i) => i.label === 'Leave it halted');
      return items[0];
    };
    answer({ pick: Array.from({ length: 12 }, () => next), input: ['e2e-vc-restored'] });
    const since = new Set(api.jobs.finished.map((r) => r.id));
    await vscode.commands.executeCommand('vmbackup.restoreVm', backup);
    assert.deepEqual(
      [...offered].sort(),
      [DS.vms, DS.empty].sort(),
      'the target storage picker offers both datastores',
    );
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'restore-vm');
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const info = shown.find((s) => s.level === 'info');
    assert.match(String(info?.message), new RegExp(`Restored "e2e-vc-restored" on "${VC}" \\(${DS.empty}\\)`));

    const inv = await readInventory(await vim());
    const restored = inv.vms.find((v) => v.name === 'e2e-vc-restored');
    assert.ok(restored, 'vcsim has the restored VM registered');
    const ds = inv.datastores.find((d) => d.name === DS.empty)!;
    assert.deepEqual(restored.datastoreIds, [ds.id], 'on the other datastore');
    assert.ok(fs.existsSync(path.join(ds.url!, 'e2e-vc-restored')), 'its folder on the other datastore');
    const original = inv.vms.find((v) => v.name === VMS.poweredOff)!;
    assert.notEqual(restored.uuid, original.uuid, 'a copy: a uuid of its own');
    await waitFor(
      async () => (await allVmNodes(api, VC)).some((v) => v.vm.name === 'e2e-vc-restored'),
      'the restored VM in the tree',
      SLOW,
    );
  });

  it('reverts to a snapshot (after the confirmation): the current snapshot moves', async () => {
    const vm = await vmNode(VMS.withSnapshots);
    const target = (await snapshotNodes(api, vm)).find((s) => s.snapshot.name === VCSIM_LAB_SNAPSHOTS.chain[0])!;
    await confirmedJob(
      'vmbackup.revertSnapshot',
      target,
      'Revert',
      `Revert "${VMS.withSnapshots}" to snapshot "${target.snapshot.name}"?`,
    );
    assert.deepEqual(
      (await snapshotsInVcsim(VMS.withSnapshots)).filter((s) => s.isCurrent).map((s) => s.name),
      [VCSIM_LAB_SNAPSHOTS.chain[0]],
    );
    const current = await waitFor(async () => {
      const s = (await snapshotNodes(api, await vmNode(VMS.withSnapshots))).find((n) => n.snapshot.isCurrent);
      return s?.snapshot.name === VCSIM_LAB_SNAPSHOTS.chain[0] ? s : undefined;
    }, 'the tree to mark the reverted-to snapshot current');
    assert.match(String(api.trees.infrastructure.getTreeItem(current).description), /You are here/);
  });

  it('deletes a snapshot (after the confirmation): gone from the tree and from vcsim, its parent and child kept', async () => {
    const vm = await vmNode(VMS.withSnapshots);
    const middle = (await snapshotNodes(api, vm)).find((s) => s.snapshot.name === VCSIM_LAB_SNAPSHOTS.chain[1])!;
    const job = await confirmedJob(
      'vmbackup.deleteSnapshot',
      middle,
      'Delete',
      `Delete snapshot "${middle.snapshot.name}" (${VMS.withSnapshots})?`,
    );
    assert.equal(job.kind, 'delete-snapshot');
    await expectSnapshots(VMS.withSnapshots, [VCSIM_LAB_SNAPSHOTS.chain[0], VCSIM_LAB_SNAPSHOTS.chain[2]]);
  });

  it('renames a snapshot: the new name in vcsim and in the tree', async () => {
    const target = (await snapshotNodes(api, await vmNode(VMS.withSnapshots))).find(
      (s) => s.snapshot.name === VCSIM_LAB_SNAPSHOTS.chain[2],
    )!;
    answer({ input: ['e2e renamed'] });
    const since = new Set(api.jobs.finished.map((r) => r.id));
    await vscode.commands.executeCommand('vmbackup.renameSnapshot', target);
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'rename-snapshot');
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    await expectSnapshots(VMS.withSnapshots, [VCSIM_LAB_SNAPSHOTS.chain[0], 'e2e renamed']);
  });

  it('deletes a snapshot and its children (after the confirmation): the VM has none left in vcsim and in the tree', async () => {
    const root = (await snapshotNodes(api, await vmNode(VMS.withSnapshots))).find(
      (s) => s.snapshot.name === VCSIM_LAB_SNAPSHOTS.chain[0],
    )!;
    const job = await confirmedJob(
      'vmbackup.deleteSnapshotWithChildren',
      root,
      'Delete',
      `Delete snapshot "${root.snapshot.name}" (${VMS.withSnapshots}) and its children?`,
    );
    assert.equal(job.kind, 'delete-snapshot');
    await expectSnapshots(VMS.withSnapshots, []);
  });

  it('deletes all snapshots of a VM (after the confirmation): none left in vcsim and in the tree', async () => {
    const vm = await vmNode(VMS.running);
    assert.ok((await snapshotsInVcsim(VMS.running)).length > 0, 'the VM has the snapshot of the test before');
    assert.match(String(api.trees.infrastructure.getTreeItem(vm).contextValue), /(^|;)canDeleteAllSnapshots(;|$)/);
    const job = await confirmedJob(
      'vmbackup.deleteAllSnapshots',
      vm,
      'Delete All',
      `Delete all snapshots of "${VMS.running}"?`,
    );
    assert.equal(job.kind, 'delete-all-snapshots');
    await expectSnapshots(VMS.running, []);
  });
});
