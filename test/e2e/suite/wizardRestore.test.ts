// Restore aimed through the wizard (issues #12, #16): steps come from the target's capabilities. vSphere: another
// host, resource pool and VM folder with a NIC mapped to another network; Xen: a backup restored into a second XAPI
// lab connection (cross-connection), its VIF mapped to a network of that pool. Prompts answered by scripted quick
// picks. Named to run after vsphere.test.ts (files run sorted): it adds a VM, a folder and a port group to vcsim.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { VmwareProvider } from '../../../src/providers/vmware/vmwareProvider';
import { readInventory } from '../../../src/providers/vmware/vmwareInventory';
import { el } from '../../../src/providers/vmware/vimSoap';
import type { BackupEntryNode } from '../../../src/views/nodes';
import { VCSIM_LAB_DATASTORES as DS, VCSIM_LAB_VMS as VMS } from '../../peers/vcsim/vcsimLab';
import { VCENTER_CONNECTION as VC, LAB_CONNECTION } from '../../../src/cli/labVerb';
import { XapiLab, startXapiLab } from '../../lab/xapi';
import { addPortGroup, writeVmxWithNics } from '../../peers/vcsim/vcsimRestoreTargets';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';
import { allBackups, allVmNodes, vmNodes } from './trees';
import { tempDir } from '../../tempDir';

const SLOW = 90_000;
type Items = readonly vscode.QuickPickItem[];

describe('Restore aimed from the wizard: vSphere placement and networks, a Xen backup into another connection', function () {
  this.timeout(240_000);
  let api: VmBackupApi;
  before(async () => {
    api = await labApi();
  });
  afterEach(() => restorePrompts());
  const newJobs = (since: Set<string>) => api.jobs.finished.filter((r) => !since.has(r.id));
  const backupOf = (vmUuid: string, since: number) =>
    waitFor(
      async () => {
        api.trees.backups.refresh();
        return (await allBackups(api)).find(
          (n): n is BackupEntryNode =>
            n.kind === 'backup' && n.entry.vmUuid === vmUuid && (n.entry.created?.getTime() ?? 0) >= since,
        );
      },
      'the new backup in the Backups view',
      SLOW,
    );

  it('vSphere: to another host, resource pool and VM folder, ethernet1 on another network; only vSphere steps asked', async () => {
    const client = ((await api.connections.provider(VC)) as unknown as VmwareProvider).vim;
    let inv = await readInventory(client);
    const dc = inv.datacenters[0];
    // A second port group ("e2e Net") and a VM folder ("e2e Restored") in the datacenter.
    const h0 = inv.hosts.find((h) => h.name === 'DC0_H0')!;
    await addPortGroup(client, h0.id, 'e2e Net');
    const root = inv.folders.find((x) => x.parentId === dc.id && x.childType.includes('VirtualMachine'))!;
    await client.invoke('CreateFolder', { type: 'Folder', value: root.id }, el('name', 'e2e Restored'));
    // The VM's .vmx with two NICs on "VM Network" (vcsim keeps the file it is given), then its image backup.
    const vmRec = inv.vms.find((v) => v.name === VMS.poweredOff)!;
    const dsDir = inv.datastores.find((d) => d.name === DS.vms)!.url!;
    writeVmxWithNics(dsDir, VMS.poweredOff, ['VM Network', 'VM Network']);
    const started = Date.now() - 1000;
    answer({ pick: [(items) => items.find((i) => i.label === 'Image')] });
    await vscode.commands.executeCommand(
      'vmbackup.backupVm',
      (await allVmNodes(api, VC)).find((v) => v.vm.name === VMS.poweredOff),
    );
    const backup = await backupOf(vmRec.instanceUuid || vmRec.uuid, started);
    assert.deepEqual(
      backup.entry.manifest?.source.vm?.macs?.map((m) => m.device),
      ['ethernet0', 'ethernet1'],
    );

    const titles: string[] = [];
    const networkSteps: string[][] = [];
    const host = inv.hosts.find((h) => h.name === 'DC0_C0_H1')!;
    const step = (want: (items: Items) => vscode.QuickPickItem | undefined) => (items: Items) => {
      titles.push(items.map((i) => i.label).join('|'));
      return want(items);
    };
    answer({
      pick: [
        step((items) => items.find((i) => i.label === 'New VM')),
        step((items) => items.find((i) => i.label === DS.empty)),
        // Placement: host or cluster, then the resource pools of that host, then the VM folder.
        step((items) => items.find((i) => i.label === host.name && /^host/.test(String(i.description)))),
        step((items) => items.find((i) => i.label === 'Resources')),
        step((items) => items.find((i) => i.label === 'e2e Restored')),
        // One network step per NIC, the network of the same name first.
        step((items) => {
          networkSteps.push(items.map((i) => `${i.label}:${i.description ?? ''}`));
          return items[0];
        }),
        step((items) => {
          networkSteps.push(items.map((i) => `${i.label}:${i.description ?? ''}`));
          return items.find((i) => i.label === 'e2e Net');
        }),
        step((items) => items.find((i) => i.label === 'Leave it halted')),
      ],
      input: ['e2e-vc-aimed'],
    });
    const since = new Set(api.jobs.finished.map((r) => r.id));
    await vscode.commands.executeCommand('vmbackup.restoreVm', backup);
    const [job] = newJobs(since);
    assert.equal(job?.state, 'succeeded', `${JSON.stringify(job)} ${JSON.stringify(shown)} ${titles.join('\n')}`);
    assert.equal(titles.length, 8, titles.join('\n'));
    assert.ok(!titles[0].includes('Replace the original VM'), 'replace is not offered on vSphere');
    assert.match(titles[2], /^Where it was/);
    assert.ok(titles[2].includes('DC0_C0') && titles[2].includes('DC0_H0'), 'hosts and the cluster offered');
    assert.match(networkSteps[0][0], /^VM Network:same name as in the backup$/);
    assert.ok(networkSteps[1].some((l) => l.startsWith('e2e Net:')));

    inv = await readInventory(client);
    const vm = inv.vms.find((v) => v.name === 'e2e-vc-aimed');
    assert.ok(vm, 'registered in vcsim');
    const pool = inv.resourcePools.find((r) => r.id === vm.resourcePoolId)!;
    const folder = inv.folders.find((x) => x.id === vm.folderId)!;
    assert.deepEqual(
      [vm.hostId, pool.ownerId, folder.name, vm.datastoreIds],
      [host.id, host.computeResourceId, 'e2e Restored', [inv.datastores.find((d) => d.name === DS.empty)!.id]],
    );
    const vmx = fs.readFileSync(
      path.join(inv.datastores.find((d) => d.name === DS.empty)!.url!, 'e2e-vc-aimed', `${VMS.poweredOff}.vmx`),
      'utf8',
    );
    assert.match(vmx, /^ethernet0\.networkName = "VM Network"$/m);
    assert.match(vmx, /^ethernet1\.networkName = "e2e Net"$/m);
  });

  describe('Xen: cross-connection restore', () => {
    let lab2: XapiLab | undefined;
    const PASSWORD = 'restore-aim-e2e-Qz4';
    after(async () => {
      await api.connections.remove('lab2').catch(() => undefined);
      api.trees.infrastructure.refresh();
      await lab2?.close();
    });

    it('a backup of the lab restored into a second XAPI lab connection: connection step, its SRs and networks, the VIF mapped', async () => {
      lab2 = await startXapiLab({ password: PASSWORD, taskStepMs: 5, hosts: 1 });
      // The second pool calls its network "LAN2" (no network of the backup's name: the VIF must be mapped) and has "DMZ".
      const [, net] = [...lab2.store.table('network')][0];
      net.name_label = 'LAN2';
      net.bridge = 'xenbr7';
      lab2.store.add('network', { ...net, uuid: '', name_label: 'DMZ', bridge: 'xenbr1', VIFs: [], PIFs: [] });
      const repository = tempDir('vmbackup-e2e-lab2-');
      await api.connections.add(
        { name: 'lab2', platform: 'xen', url: lab2.url, username: 'root', repository },
        PASSWORD,
      );

      const source = (await vmNodes(api, LAB_CONNECTION)).find((v) => v.vm.powerState === 'halted')!;
      const started = Date.now() - 1000;
      answer({ pick: [] });
      await vscode.commands.executeCommand('vmbackup.backupVm', source);
      const backup = await backupOf(source.vm.uuid, started);
      const vifs = backup.entry.manifest?.source.vm?.macs ?? [];
      assert.ok(vifs.length >= 1, 'the backup records its VIFs');

      const titles: string[] = [];
      const step = (want: (items: Items) => vscode.QuickPickItem | undefined) => (items: Items) => {
        titles.push(items.map((i) => `${i.label}:${i.description ?? ''}`).join('|'));
        return want(items);
      };
      answer({
        pick: [
          step((items) => items.find((i) => i.label === 'lab2')),
          step((items) => items.find((i) => i.label === 'New VM')),
          step((items) => items[0]),
          ...vifs.map(() => step((items) => items.find((i) => i.label === 'DMZ'))),
          step((items) => items.find((i) => i.label === 'Start it after the restore')),
        ],
        input: ['restored-into-lab2'],
      });
      const since = new Set(api.jobs.finished.map((r) => r.id));
      await vscode.commands.executeCommand('vmbackup.restoreVm', backup);
      const [job] = newJobs(since);
      assert.equal(job?.state, 'succeeded', `${JSON.stringify(job)} ${JSON.stringify(shown)} ${titles.join('\n')}`);
      assert.match(titles[0], /lab:the backup's connection\|lab2:another connection of this platform/);
      assert.match(titles[2], /^Local storage:lvm · local to \S+/, 'the SR with its host');
      assert.ok(!titles[3].includes('same name as in the backup'), 'no network of that name on lab2');
      const rec = [...lab2.store.table('VM').values()].find((v) => v.name_label === 'restored-into-lab2');
      assert.ok(rec, 'the VM is in the second lab');
      assert.equal(rec.power_state, 'Running');
      const nets = (rec.VIFs as string[]).map(
        (r) => lab2!.store.get('network', lab2!.store.get('VIF', r)!.network)!.name_label,
      );
      assert.deepEqual(
        nets,
        vifs.map(() => 'DMZ'),
      );
      await waitFor(
        async () => (await vmNodes(api, 'lab2')).some((v) => v.vm.name === 'restored-into-lab2'),
        'the restored VM in the tree under lab2',
        SLOW,
      );
    });
  });
});
