// The UI script's Oracle VM part (issue #15): the Manager's tree (server pool → servers → VMs), the backup method
// picker with each method's trade-off, a cold-clone backup running then finished in Jobs, and the Manager restore
// runbook in its terminal to the end. The Manager is test/e2e/ovmLab.ts (REST lab, repositories and Manager host on sshd).
import * as path from 'node:path';
import { Page } from './browser';
import { CheckRunner, clickMenu, collapseAll, expand, filesBelow, pane, row, until } from './uiHelpers';
import { E2eOvmLab } from './ovmLab';
import { listRunbookStates } from '../../src/core/runbook';

export async function ovmChecks(o: {
  page: Page;
  check: CheckRunner['check'];
  workspace: string;
  shots: string;
  ovm: E2eOvmLab;
}): Promise<void> {
  const { page, check, shots, ovm } = o;
  const shot = (name: string) => page.screenshot({ path: path.join(shots, name) });
  const infra = () => pane(page, 'Infrastructure');
  const quick = page.locator('.quick-input-widget');

  await check('the Oracle VM tree: server pool, servers (ovs2 in maintenance), the VMs they run', async () => {
    await collapseAll(page, 'Infrastructure');
    await expand(infra(), `admin @ https://127.0.0.1:${ovm.lab.port}`);
    await expand(infra(), 'pool1');
    await expand(infra(), 'ovs1');
    await row(infra(), 'web01').waitFor({ timeout: 30_000 });
    await row(infra(), 'db01').waitFor({ timeout: 30_000 });
    await shot('ovm-1-tree.png');
  });

  await check(
    'Back Up VM on an Oracle VM VM: the method picker shows each method with its trade-off; cold clone runs in Jobs, then succeeded',
    async () => {
      await row(infra(), 'db01').click({ button: 'right' });
      await clickMenu(page, 'Back Up VM');
      await quick.locator('.quick-input-title', { hasText: 'method' }).waitFor({ timeout: 30_000 });
      const offered = (await quick.locator('.monaco-list-row').allInnerTexts()).join(' | ').replace(/\s+/g, ' ');
      for (const want of [
        /Cold clone/,
        /Copy the stopped VM/,
        /Hot clone/,
        /The virtual disks are consistent/,
        // The lab's connection has the Manager CLI: the OVA export is offered, with its trade-off.
        /Export as a virtual appliance \(OVA\).*One portable OVF package.*A full copy of every disk/,
      ])
        if (!want.test(offered)) throw new Error(`the method picker offers: ${offered}`);
      await shot('ovm-2-method-picker.png');
      await quick.locator('input').first().press('Enter'); // Cold clone (the first, recommended); db01 is stopped
      const job = pane(page, 'Jobs').locator('.monaco-list-row', { hasText: 'Back up db01' }).first();
      await job.waitFor({ timeout: 60_000 });
      await shot('ovm-3-backup-in-jobs.png');
      await until(
        page,
        'the backup job to succeed',
        async () => (/succeeded/.test(await job.innerText().catch(() => '')) ? true : undefined),
        120_000,
      );
      await shot('ovm-4-backup-succeeded.png');
      const files = filesBelow(path.join(o.workspace, 'backups', 'db01'));
      for (const want of ['manifest.json', 'vm.cfg'])
        if (!files.some((f) => path.basename(f) === want)) throw new Error(`no ${want}: ${files.join(', ')}`);
      if (files.some((f) => f.endsWith('.part'))) throw new Error(`a .part is left: ${files.join(', ')}`);
      if (ovm.lab.store.all('Vm').length !== 3) throw new Error('the clone is left on the Manager');
    },
  );

  await check(
    'Restore Oracle VM Manager…: the runbook runs in its terminal, each destructive step confirmed, to its end',
    async () => {
      await page.keyboard.press('F1');
      const input = quick.locator('input').first();
      await input.waitFor({ timeout: 10_000 });
      await input.fill('>Restore Oracle VM Manager');
      await quick
        .locator('.monaco-list-row', { hasText: 'Restore Oracle VM Manager' })
        .first()
        .waitFor({ timeout: 15_000 });
      await input.press('Enter');
      await quick.locator('.quick-input-title', { hasText: 'Database backup to restore' }).waitFor({ timeout: 60_000 });
      await input.press('Enter');
      const repo = path.join(o.workspace, 'backups');
      let shotDialog = false;
      const run = await until(
        page,
        'the runbook to end',
        async () => {
          const dialog = page.locator('.monaco-dialog-box');
          if (await dialog.isVisible().catch(() => false)) {
            if (!shotDialog) await shot('ovm-5-runbook-confirm.png');
            shotDialog = true;
            await dialog
              .locator('.monaco-button', { hasNotText: 'Cancel' })
              .first()
              .click()
              .catch(() => undefined);
          }
          return listRunbookStates(repo).find((s) => s.status !== 'running');
        },
        180_000,
      );
      if (run.status !== 'done') throw new Error(`the runbook ${run.status}: ${JSON.stringify(run.steps)}`);
      const terminal = page.locator('.terminal-wrapper, .xterm').first();
      await terminal.waitFor({ timeout: 15_000 });
      await shot('ovm-6-runbook-terminal.png');
      if (!shotDialog) throw new Error('no confirmation dialog was shown before a destructive step');
    },
  );
}
