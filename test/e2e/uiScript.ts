// Drives the real workbench with playwright: the tree, a VM's tooltip, a connection whose login is refused, a right-click
// menu, a snapshot, a backup, cancel from the progress notification, a multi-selection, a restore from the Backups view, the Jobs view and the Problems panel;
// uiFeedback.ts adds the result notification, the job log, the live tree and a restore into another connection.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XapiLab } from '../lab/xapi';
import { Page, launchBrowser } from './browser';
import {
  Check,
  addConnectionCollapsed,
  checkRunner,
  clickMenu,
  expand,
  filesBelow,
  pane,
  openRestoreWizard,
  row,
  scrollToRow,
} from './uiHelpers';
import { CodeServer, workbenchUrl } from './codeServer';
import { SelfSignedFront } from './selfSignedFront';
import { CONNECTIONS_FILE, loadConnections, saveConnections } from '../../src/core/connections';
import { VcsimLab } from '../peers/vcsim/vcsimLab';
import { vcenterChecks } from './uiVcenter';
import { ovmChecks } from './uiOvm';
import { feedbackChecks } from './uiFeedback';
import { E2eOvmLab } from './ovmLab';

/**
 * The halted VMs of `lab` that can still be exported, by name: the extension suite before restored the pool database in
 * this same lab and, as xapi does, that dropped the member hosts, so only VMs whose disks the master sees qualify.
 */
function exportableHalted(lab: XapiLab): string[] {
  const master = lab.store.pool().rec.master;
  const masterSees = (v: Record<string, any>) =>
    (v.VBDs as string[]).every((b) => {
      const sr = lab.store.get('VDI', lab.store.get('VBD', b)?.VDI)?.SR;
      return (
        !sr || ((lab.store.get('SR', sr)?.PBDs as string[]) ?? []).some((p) => lab.store.get('PBD', p)?.host === master)
      );
    });
  return [...lab.store.table('VM').values()]
    .filter((v) => !v.is_a_template && !v.is_a_snapshot && !v.is_control_domain)
    .filter((v) => v.power_state === 'Halted' && masterSees(v))
    .map((v) => String(v.name_label))
    .sort((a, b) => a.localeCompare(b));
}

export async function uiScript(
  cs: CodeServer,
  workspace: string,
  lab: XapiLab,
  shots: string,
  tls: { name: string; front: SelfSignedFront; password: string },
  vc: VcsimLab,
  ovm: E2eOvmLab,
): Promise<{ checks: Check[] }> {
  const runner = checkRunner(shots, '');
  const { checks, check } = runner;
  const vms = [...lab.store.table('VM').values()].filter(
    (v) => !v.is_a_template && !v.is_a_snapshot && !v.is_control_domain,
  );
  const running = vms.find((v) => v.power_state === 'Running')!;
  const master = lab.store.table('host').get(running.resident_on as string)!;
  const poolName = String([...lab.store.table('pool').values()][0].name_label);
  const browser = await launchBrowser();
  let page: Page;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    runner.page = page;
    await page.goto(workbenchUrl(cs, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    await check('the activity bar has the VM Backup Explorer container', async () => {
      const icon = page.locator('.activitybar [aria-label^="VM Backup Explorer"]').first();
      await icon.waitFor({ timeout: 30_000 });
      await icon.click();
    });
    await check('the Infrastructure tree shows the lab pool, a host and its VMs', async () => {
      const infra = pane(page, 'Infrastructure');
      await expand(infra, 'lab');
      await expand(infra, poolName);
      await expand(infra, String(master.name_label));
      await row(infra, String(running.name_label)).waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(shots, '1-tree.png') });
    });
    await check('hovering a running VM shows its tooltip: memory, vCPUs, host, IP, last backup', async () => {
      const infra = pane(page, 'Infrastructure');
      await row(infra, String(running.name_label)).hover();
      const hover = page.locator('.monaco-hover', { hasText: 'Memory:' }).first();
      await hover.waitFor({ timeout: 15_000 });
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      for (const want of ['Memory:', 'vCPUs:', `Host: ${String(master.name_label)}`, 'IP: 192.0.2.', 'Last backup:'])
        if (!text.includes(want)) throw new Error(`tooltip lacks "${want}": ${text.slice(0, 300)}`);
      await page.screenshot({ path: path.join(shots, '1b-vm-tooltip.png') });
      await page.mouse.move(5, 5);
    });
    await check('right-click on a running VM offers Create Snapshot and Back Up VM', async () => {
      await row(pane(page, 'Infrastructure'), String(running.name_label)).click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      await menu.waitFor({ timeout: 10_000 });
      const text = await menu.innerText();
      if (!/Create Snapshot/.test(text) || !/Back Up VM/.test(text))
        throw new Error(`menu was: ${text.replace(/\s+/g, ' ')}`);
      await page.screenshot({ path: path.join(shots, '2-context-menu.png') });
      await clickMenu(page, 'Create Snapshot');
    });
    await check('Create Snapshot asks for a name and the snapshot appears under the VM', async () => {
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('ui snapshot');
      await input.press('Enter');
      // The tree refreshes when the job ends: keep the VM expanded until the snapshot row shows.
      const infra = pane(page, 'Infrastructure');
      const deadline = Date.now() + 30_000;
      while (!(await row(infra, 'ui snapshot').isVisible())) {
        if (Date.now() > deadline) throw new Error('no "ui snapshot" row under the VM');
        await expand(infra, String(running.name_label)).catch(() => undefined);
        await page.waitForTimeout(300);
      }
      await page.screenshot({ path: path.join(shots, '3-snapshot.png') });
    });
    await check('Back Up VM puts the backup in the Backups view and the job in Jobs', async () => {
      await row(pane(page, 'Infrastructure'), String(running.name_label)).click({ button: 'right' });
      await clickMenu(page, 'Back Up VM');
      await pane(page, 'Jobs')
        .locator('.monaco-list-row', { hasText: /back.?up/i })
        .first()
        .waitFor({ timeout: 60_000 });
      const backups = pane(page, 'Backups');
      const deadline = Date.now() + 60_000;
      for (;;) {
        const t = await backups
          .first()
          .innerText()
          .catch(() => '');
        if (t.includes(String(running.name_label))) break;
        if (Date.now() > deadline) throw new Error(`Backups view: ${t.replace(/\s+/g, ' ').slice(0, 200)}`);
        for (const r of await backups.locator('.monaco-list-row[aria-expanded="false"]').all())
          await r.click().catch(() => undefined);
        await page.waitForTimeout(500);
      }
      await page.screenshot({ path: path.join(shots, '4-backup.png') });
    });
    await check(
      'the Cancel button of the progress notification cancels a running backup: cancelled in Jobs, nothing left behind',
      async () => {
        const repo = path.join(workspace, 'backups');
        const before = filesBelow(repo);
        lab.faults.stallExportAtByte = 1024 * 1024; // the export stops sending and keeps the connection open
        try {
          await row(pane(page, 'Infrastructure'), String(running.name_label)).click({ button: 'right' });
          await clickMenu(page, 'Back Up VM');
          const toast = page.locator('.notification-toast', { hasText: `Back up ${running.name_label}` }).first();
          await toast.waitFor({ timeout: 30_000 });
          const deadline = Date.now() + 60_000;
          while (!filesBelow(repo).some((f) => f.endsWith('.part'))) {
            if (Date.now() > deadline) throw new Error('the export never started writing its .part file');
            await page.waitForTimeout(200);
          }
          await page.screenshot({ path: path.join(shots, '5-backup-progress.png') });
          await toast.hover();
          await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
          await pane(page, 'Jobs')
            .locator('.monaco-list-row', { hasText: `Back up ${running.name_label}` })
            .filter({ hasText: 'cancelled' })
            .first()
            .waitFor({ timeout: 60_000 });
          await page.screenshot({ path: path.join(shots, '6-cancelled.png') });
          const after = filesBelow(repo);
          if (JSON.stringify(after) !== JSON.stringify(before))
            throw new Error(`the repository changed: ${after.filter((f) => !before.includes(f)).join(', ')}`);
          const temps = [...lab.store.table('VM').values()].filter(
            (v) => v.is_a_snapshot && v.other_config?.['vmbackup:temporary'] === 'true',
          );
          if (temps.length) throw new Error(`temporary snapshot(s) left: ${temps.map((v) => v.name_label).join(', ')}`);
        } finally {
          lab.faults.stallExportAtByte = undefined;
        }
      },
    );
    await check('multi-select: Ctrl+click two VMs, right-click, Back Up VM: two separate jobs in Jobs', async () => {
      const halted = exportableHalted(lab).slice(0, 2);
      const infra = pane(page, 'Infrastructure');
      await row(infra, halted[0]).click();
      await row(infra, halted[1]).click({ modifiers: ['Control'] });
      await row(infra, halted[1]).click({ button: 'right' });
      await clickMenu(page, 'Back Up VM');
      const jobs = pane(page, 'Jobs');
      for (const name of halted)
        await jobs
          .locator('.monaco-list-row', { hasText: `Back up ${name}` })
          .filter({ hasText: 'succeeded' })
          .first()
          .waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(shots, '7-multi-backup.png') });
    });
    await check(
      'Restore VM from the Backups view (right-click, pickers) puts the restored VM in the Infrastructure tree',
      async () => {
        const { quick, input } = await openRestoreWizard(page, String(running.name_label));
        await quick
          .locator('.quick-input-title', { hasText: 'as a new VM or replace the original?' })
          .waitFor({ timeout: 30_000 });
        await quick.locator('.monaco-list-row', { hasText: 'Replace the original VM' }).waitFor({ timeout: 10_000 });
        await input.press('Enter'); // New VM (the first choice)
        await quick.locator('.quick-input-title', { hasText: 'target storage' }).waitFor({ timeout: 30_000 });
        await page.screenshot({ path: path.join(shots, '8-restore-storage.png') });
        await input.press('Enter');
        // Network mapping: one step per VIF of the backup, the network of the same name offered first.
        const title = quick.locator('.quick-input-title');
        await title.filter({ hasText: /VIF \d|Name of the restored VM/ }).waitFor({ timeout: 30_000 });
        for (let step = 0; /VIF \d/.test((await title.textContent()) ?? ''); step++) {
          if (step === 0) await page.screenshot({ path: path.join(shots, '8b-restore-network.png') });
          if (step > 8) throw new Error('more network steps than the backup has VIFs');
          const was = await title.textContent();
          await input.press('Enter');
          for (let i = 0; i < 100 && (await title.textContent()) === was; i++) await page.waitForTimeout(100);
        }
        await quick.locator('.quick-input-title', { hasText: 'Name of the restored VM' }).waitFor({ timeout: 10_000 });
        await input.fill('ui-restored');
        await input.press('Enter');
        await quick.locator('.quick-input-title', { hasText: 'After the restore' }).waitFor({ timeout: 10_000 });
        await input.press('Enter'); // Leave it halted
        await scrollToRow(page, pane(page, 'Infrastructure'), 'ui-restored');
        await page.screenshot({ path: path.join(shots, '9-restored.png') });
        if (
          ![...lab.store.table('VM').values()].some(
            (v) => v.name_label === 'ui-restored' && !v.is_a_snapshot && !v.is_a_template,
          )
        )
          throw new Error('the lab has no VM "ui-restored" (a template would be hidden from the tree)');
      },
    );
    await feedbackChecks({
      page,
      check,
      workspace,
      shots,
      lab,
      password: tls.password,
      haltedVm: exportableHalted(lab)[2] ?? exportableHalted(lab)[0],
      backedUpVm: String(running.name_label),
    });
    await vcenterChecks({ page, check, workspace, shots, vc });
    await ovmChecks({ page, check, workspace, shots, ovm });
    await check('a backuptools.conf with a space around = shows the error in the Problems panel', async () => {
      fs.mkdirSync(path.join(workspace, 'etc'), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'etc', 'backuptools.conf'), '# service console\nTEMPDIR = /var/tmp\n');
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('backuptools.conf');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'backuptools.conf' })
        .first()
        .waitFor({ timeout: 15_000 });
      await input.press('Enter');
      await page.locator('.tab', { hasText: 'backuptools.conf' }).waitFor({ timeout: 15_000 });
      await page.keyboard.press('Control+Shift+M');
      const markers = page.locator('.markers-panel');
      await markers.waitFor({ timeout: 15_000 });
      const deadline = Date.now() + 20_000;
      let text = '';
      while (!/space-around-equals|around/i.test(text)) {
        if (Date.now() > deadline) throw new Error(`Problems panel: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
        await page.waitForTimeout(300);
        text = await markers.innerText().catch(() => '');
      }
      await page.screenshot({ path: path.join(shots, '10-problems.png') });
    });
    await check(
      'a connection with a wrong password shows the login failure on its own node, with the vendor code',
      async () => {
        const infra = await addConnectionCollapsed(page, workspace, {
          name: 'lab-wrong',
          platform: 'xen',
          url: lab.url,
          username: 'root',
        });
        try {
          await expand(infra, 'lab-wrong');
          // Its password is asked (none in SecretStorage or the environment): a wrong one.
          const input = page.locator('.quick-input-widget input');
          const node = infra.locator('.monaco-list-row', { hasText: 'SESSION_AUTHENTICATION_FAILED' }).first();
          await Promise.race([input.waitFor({ timeout: 30_000 }), node.waitFor({ timeout: 30_000 })]);
          if (await input.isVisible()) {
            await input.fill('not-the-password');
            await input.press('Enter');
          }
          await node.waitFor({ timeout: 30_000 });
          const label = await node.innerText();
          if (!label.includes('lab-wrong') || !label.includes('login refused'))
            throw new Error(`the row is not the connection's: ${label.replace(/\s+/g, ' ')}`);
          // The pointer rests on the row it clicked: leave it, then enter the row (the hover needs the enter).
          await page.mouse.move(5, 5);
          await node.hover();
          await page
            .locator('.monaco-hover', { hasText: 'SESSION_AUTHENTICATION_FAILED' })
            .first()
            .waitFor({ timeout: 15_000 });
          await page.screenshot({ path: path.join(shots, '1c-connection-login-refused.png') });
          await page.mouse.move(5, 5);
        } finally {
          saveConnections(
            workspace,
            loadConnections(workspace).connections.filter((c) => c.name !== 'lab-wrong'),
          );
        }
      },
    );
    await check(
      'a connection to a self-signed host: its node shows the certificate error; right-click it, Pin This Certificate…, confirm: pinned, and its pool shows',
      async () => {
        // A connection added to the file while VS Code runs (the store watches connections.yaml).
        const infra = await addConnectionCollapsed(page, workspace, {
          name: tls.name,
          platform: 'xen',
          url: tls.front.url,
          username: 'root',
        });
        await expand(infra, tls.name);
        const error = infra.locator('.monaco-list-row', { hasText: 'DEPTH_ZERO_SELF_SIGNED_CERT' }).first();
        await error.waitFor({ timeout: 30_000 });
        await error.click({ button: 'right' });
        await page.screenshot({ path: path.join(shots, '11-pin-menu.png') });
        await clickMenu(page, 'Pin This Certificate');
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ timeout: 10_000 });
        const text = await dialog.innerText();
        if (!text.includes(tls.front.sha256))
          throw new Error(`the confirmation does not show the thumbprint: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
        await page.screenshot({ path: path.join(shots, '12-pin-confirm.png') });
        await dialog.locator('.monaco-button', { hasText: 'Pin Certificate' }).click();
        await row(infra, 'lab-pool').waitFor({ timeout: 30_000 });
        await page.screenshot({ path: path.join(shots, '13-pinned.png') });
        const pinned = loadConnections(workspace).connections.find((c) => c.name === tls.name)?.thumbprint;
        if (pinned !== tls.front.sha256) throw new Error(`${CONNECTIONS_FILE} has thumbprint ${pinned}`);
      },
    );
  } finally {
    await browser.close();
  }
  return { checks };
}
