// The UI script's vCenter part (issue #12): the vCenter tree expanded, a VM busy with a running task, the Storage group
// with a host-local datastore, the right-click menu of a VMware VM and its snapshot, a backup running then finished in
// Jobs, and the restore picker offering the other datastore and the host-local one. The vCenter is
// VMware's simulator with the fixed inventory of test/peers/vcsim/vcsimLab.ts, connection "vcenter".
import * as path from 'node:path';
import { Page } from './browser';
import { CheckRunner, clickMenu, collapseAll, expand, filesBelow, pane, row, until } from './uiHelpers';
import {
  VCSIM_LAB_DATASTORES as DS,
  VCSIM_LAB_LOCAL_DATASTORE as LOCAL,
  VCSIM_LAB_SNAPSHOTS,
  VCSIM_LAB_VMS as VMS,
  VcsimLab,
} from '../peers/vcsim/vcsimLab';
import { VCENTER_CONNECTION as VC } from '../../src/cli/labVerb';

const RESTORED = 'ui-vc-restored';

export async function vcenterChecks(o: {
  page: Page;
  check: CheckRunner['check'];
  workspace: string;
  shots: string;
  vc: VcsimLab;
}): Promise<void> {
  const { page, check, shots, vc } = o;
  const shot = (name: string) => page.screenshot({ path: path.join(shots, name) });
  const infra = () => pane(page, 'Infrastructure');
  const inv = await vc.inventory();
  const hostOf = (vm: string) => inv.hosts.find((h) => h.id === inv.vms.find((v) => v.name === vm)?.hostId)!.name;

  await check(
    'the vCenter tree: datacenter, cluster, hosts, a VM and its snapshot chain with "You are here"',
    async () => {
      await collapseAll(page, 'Infrastructure');
      await expand(infra(), VC);
      await expand(infra(), 'DC0');
      await expand(infra(), 'DC0_C0');
      await expand(infra(), hostOf(VMS.withSnapshots));
      await expand(infra(), VMS.withSnapshots);
      await row(infra(), VCSIM_LAB_SNAPSHOTS.chain[2]).waitFor({ timeout: 30_000 });
      const current = await row(infra(), VCSIM_LAB_SNAPSHOTS.current).innerText();
      if (!/You are here/.test(current)) throw new Error(`the current snapshot's row: ${current.replace(/\s+/g, ' ')}`);
      await shot('vc-1-tree.png');
    },
  );

  await check('the standalone host of the vCenter: its VMs running, halted, suspended', async () => {
    // Folded again, so the standalone host's row is in view.
    const cluster = row(infra(), 'DC0_C0');
    if ((await cluster.getAttribute('aria-expanded')) === 'true') await cluster.click();
    await expand(infra(), hostOf(VMS.running));
    await row(infra(), VMS.suspended).waitFor({ timeout: 30_000 });
    for (const [vm, state] of [
      [VMS.running, 'running'],
      [VMS.poweredOff, 'halted'],
      [VMS.suspended, 'suspended'],
    ]) {
      const text = await row(infra(), vm).innerText();
      if (!text.includes(state)) throw new Error(`${vm}: ${text.replace(/\s+/g, ' ')}`);
    }
    await shot('vc-2-standalone-host.png');
  });

  await check(
    'a VMware VM with a running task (ConsolidateVMDisks_Task, TaskManager.recentTask) spins busy with the task named, and is idle again once the task is cancelled',
    async () => {
      const vm = VMS.poweredOff;
      const cancel = await vc.startBusy(vm);
      try {
        await until(page, `the busy row of ${vm}`, async () => {
          const r = row(infra(), vm);
          const text = await r.innerText().catch(() => '');
          const spinning = await r.locator('.codicon-sync.codicon-modifier-spin').count();
          return text.includes('ConsolidateVMDisks') && spinning > 0 ? true : undefined;
        });
        await shot('vc-2b-busy-vm.png');
      } finally {
        await cancel();
      }
      await until(page, `${vm} idle again`, async () => {
        const r = row(infra(), vm);
        const text = await r.innerText().catch(() => 'ConsolidateVMDisks');
        return !text.includes('ConsolidateVMDisks') && (await r.locator('.codicon-modifier-spin').count()) === 0
          ? true
          : undefined;
      });
    },
  );

  await check(
    `the vCenter's Storage group: the host-local datastore named with its host ("local to ${LOCAL.host}"), the others shared`,
    async () => {
      await collapseAll(page, 'Infrastructure');
      await expand(infra(), VC);
      // The vCenter's Storage group: the only one in view with every other connection folded.
      await expand(infra(), 'Storage');
      const local = row(infra(), LOCAL.name);
      await local.waitFor({ timeout: 30_000 });
      const text = (await local.innerText()).replace(/\s+/g, ' ');
      if (!text.includes(`local to ${LOCAL.host}`)) throw new Error(`${LOCAL.name}: ${text}`);
      const shared = (await row(infra(), DS.vms).innerText()).replace(/\s+/g, ' ');
      if (!/shared/.test(shared)) throw new Error(`${DS.vms}: ${shared}`);
      await shot('vc-2c-storage-local.png');
      await collapseAll(page, 'Infrastructure');
      await expand(infra(), VC);
      await expand(infra(), 'DC0');
      await expand(infra(), hostOf(VMS.running));
    },
  );

  await check(
    'right-click on a running VMware VM offers Create Snapshot with Memory (not Quiesced: no Tools) and Back Up VM; the snapshot appears',
    async () => {
      await row(infra(), VMS.running).click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      await menu.waitFor({ timeout: 10_000 });
      const text = await menu.innerText();
      // Memory for a running VM; no quiesce: VMware Tools do not run in vcsim's VMs.
      if (!/Create Snapshot with Memory/.test(text) || !/Back Up VM/.test(text) || /Quiesced/.test(text))
        throw new Error(`menu was: ${text.replace(/\s+/g, ' ')}`);
      await shot('vc-3-context-menu.png');
      await clickMenu(page, 'Create Snapshot with Memory');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('ui vc snapshot');
      await input.press('Enter');
      await until(page, 'the "ui vc snapshot" row under the VM', async () => {
        if (await row(infra(), 'ui vc snapshot').isVisible()) return true;
        await expand(infra(), VMS.running).catch(() => undefined);
        return undefined;
      });
      await shot('vc-4-snapshot.png');
    },
  );

  await check(
    'Back Up VM on a vCenter VM: the job in Jobs, then succeeded; files and manifest in the repository',
    async () => {
      const repo = path.join(o.workspace, 'backups', VMS.running);
      await row(infra(), VMS.running).click({ button: 'right' });
      await clickMenu(page, 'Back Up VM');
      // The vCenter declares two forms (backupFormats): the picker asks; Image is the first.
      const quick = page.locator('.quick-input-widget');
      await quick.locator('.quick-input-title', { hasText: 'form' }).waitFor({ timeout: 30_000 });
      const forms = (await quick.locator('.monaco-list-row').allInnerTexts()).join(' | ');
      if (!/Image/.test(forms) || !/OVF/.test(forms)) throw new Error(`the form picker offers: ${forms}`);
      await quick.locator('input').first().press('Enter');
      const job = pane(page, 'Jobs')
        .locator('.monaco-list-row', { hasText: `Back up ${VMS.running}` })
        .first();
      await job.waitFor({ timeout: 60_000 });
      await shot('vc-5-backup-in-jobs.png');
      await until(page, 'the backup job to succeed', async () =>
        /succeeded/.test(await job.innerText().catch(() => '')) ? true : undefined,
      );
      await shot('vc-6-backup-succeeded.png');
      const files = filesBelow(repo);
      for (const want of ['manifest.json', `${VMS.running}.vmx`, 'disk1-flat.vmdk', 'disk1.vmdk'])
        if (!files.some((f) => path.basename(f) === want))
          throw new Error(`no ${want} in ${repo}: ${files.join(', ')}`);
      if (files.some((f) => f.endsWith('.part'))) throw new Error(`a .part is left: ${files.join(', ')}`);
    },
  );

  await check(
    'Restore VM from the Backups view: the other datastore, the vSphere placement steps, a network per NIC; the VM lands there',
    async () => {
      await collapseAll(page, 'Backups');
      const backups = pane(page, 'Backups');
      await until(page, `the ${VMS.running} group in Backups`, async () => {
        if (await row(backups, VMS.running).isVisible()) return true;
        // The repository rows (top level) open onto their VM groups.
        for (const r of await backups.locator('.monaco-list-row[aria-level="1"][aria-expanded="false"]').all())
          await r.click().catch(() => undefined);
        return undefined;
      });
      await expand(backups, VMS.running);
      // The entry is the row right after its VM's group, once the expanded group's children are drawn (a slow
      // workbench shows the next group there first).
      const rows = backups.locator('.monaco-list-row');
      let texts: string[] = [];
      const group = await until(
        page,
        `the entry under the ${VMS.running} group`,
        async () => {
          texts = await rows.allInnerTexts();
          const i = texts.findIndex((t: string) => t.startsWith(VMS.running));
          return i >= 0 && /vm · \d/.test(texts[i + 1] ?? '') ? i : undefined;
        },
        30_000,
      ).catch(() => {
        throw new Error(`the row after the group: ${texts[texts.findIndex((t) => t.startsWith(VMS.running)) + 1]}`);
      });
      const entry = rows.nth(group + 1);
      await entry.click({ button: 'right' });
      await clickMenu(page, 'Restore VM');
      const quick = page.locator('.quick-input-widget');
      const input = quick.locator('input').first();
      await quick.locator('.quick-input-title', { hasText: 'as a new VM' }).waitFor({ timeout: 30_000 });
      await input.press('Enter'); // New VM (the first choice)
      await quick.locator('.quick-input-title', { hasText: 'target storage' }).waitFor({ timeout: 30_000 });
      const offered = await quick.locator('.monaco-list-row').allInnerTexts();
      for (const ds of [DS.vms, DS.empty])
        if (!offered.some((t: string) => t.includes(ds)))
          throw new Error(`the storage picker offers: ${offered.join(' | ').replace(/\s+/g, ' ')}`);
      // The standalone host's own datastore, named with its host.
      if (!offered.some((t: string) => t.includes(LOCAL.name) && t.includes(`local to ${LOCAL.host}`)))
        throw new Error(`no "${LOCAL.name} … local to ${LOCAL.host}": ${offered.join(' | ').replace(/\s+/g, ' ')}`);
      await shot('vc-7-restore-datastore.png');
      await input.fill(DS.empty);
      await quick.locator('.monaco-list-row', { hasText: DS.empty }).first().waitFor({ timeout: 10_000 });
      await input.press('Enter');
      // vSphere's placement steps (Capabilities.restore): host or cluster, resource pool, VM folder — "where it was" first.
      const title = quick.locator('.quick-input-title');
      await title.filter({ hasText: 'host or cluster' }).waitFor({ timeout: 30_000 });
      const places = await quick.locator('.monaco-list-row').allInnerTexts();
      if (!places.some((t: string) => t.includes('Where it was')) || !places.some((t: string) => /cluster/.test(t)))
        throw new Error(`the placement step offers: ${places.join(' | ').replace(/\s+/g, ' ')}`);
      await shot('vc-7b-restore-placement.png');
      for (const step of ['host or cluster', 'resource pool', 'VM folder']) {
        await title.filter({ hasText: step }).waitFor({ timeout: 30_000 });
        await input.press('Enter'); // where it was
      }
      // One network step per NIC the backup recorded (the same name first), then the name.
      await title.filter({ hasText: /NIC \S+|Name of the restored VM/ }).waitFor({ timeout: 30_000 });
      for (let step = 0; /NIC \S+/.test((await title.textContent()) ?? ''); step++) {
        if (step === 0) await shot('vc-7c-restore-network.png');
        if (step > 8) throw new Error('more network steps than the backup has NICs');
        const was = await title.textContent();
        await input.press('Enter');
        for (let i = 0; i < 100 && (await title.textContent()) === was; i++) await page.waitForTimeout(100);
      }
      await quick.locator('.quick-input-title', { hasText: 'Name of the restored VM' }).waitFor({ timeout: 10_000 });
      await input.fill(RESTORED);
      await input.press('Enter');
      await quick.locator('.quick-input-title', { hasText: 'After the restore' }).waitFor({ timeout: 10_000 });
      await input.press('Enter'); // Leave it halted
      const restored = await until(page, `${RESTORED} registered in vcsim`, async () =>
        (await vc.inventory()).vms.find((v) => v.name === RESTORED),
      );
      const other = inv.datastores.find((d) => d.name === DS.empty)!;
      if (JSON.stringify(restored.datastoreIds) !== JSON.stringify([other.id]))
        throw new Error(`${RESTORED} is on ${restored.datastoreIds.join(', ')}, not ${DS.empty}`);
      await until(page, `the "${RESTORED}" row in the tree`, async () => {
        if (await row(infra(), RESTORED).isVisible()) return true;
        await expand(infra(), hostOf(VMS.running)).catch(() => undefined);
        return undefined;
      });
      await shot('vc-8-restored.png');
    },
  );
}
