// The UI script's VCB part (issue #14), on the workbench after the VCB extension tests added the lab's VCB host to the
// vCenter connection: the VCB host's node, Back Up with VCB from a VM's right-click menu (the job in Jobs, then
// succeeded), Restore with VCB elsewhere — the catalog copy in the editor with the live datastore names in its
// completion — and Browse Files (VCB File Level): a file of the mounted volumes opened read-only, then Unmount.
// Screenshots vcb-*.png.
import * as path from 'node:path';
import { CodeServer, workbenchUrl } from './codeServer';
import { launchBrowser } from './browser';
import { Check, checkRunner, clickMenu, expand, filesBelow, pane, row, until } from './uiHelpers';
import { VCSIM_LAB_DATASTORES as DS, VCSIM_LAB_VMS as VMS } from '../peers/vcsim/vcsimLab';
import { VCENTER_CONNECTION as VC } from '../../src/cli/labVerb';
import { E2eVcbInfo } from './vcbE2eLab';

export async function uiVcb(
  cs: CodeServer,
  workspace: string,
  shots: string,
  info: E2eVcbInfo,
  /** A backup folder on the VCB host the extension tests made (vcbMounter -t fullvm). */
  backupDir: string,
): Promise<{ checks: Check[] }> {
  const runner = checkRunner(shots, 'vcb-');
  const { checks, check } = runner;
  const browser = await launchBrowser();
  try {
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    runner.page = p;
    const shot = (name: string) => p.screenshot({ path: path.join(shots, name) });
    const infra = () => pane(p, 'Infrastructure');
    const hostLabel = `${info.host}:${info.port}`;
    await p.goto(workbenchUrl(cs, workspace));
    await p.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await p.locator('.activitybar [aria-label^="VM Backup Explorer"]').first().click({ timeout: 30_000 });

    await check('the VCB host under the vCenter connection, with its backuptools.conf', async () => {
      await expand(infra(), VC);
      await expand(infra(), hostLabel);
      await row(infra(), 'backuptools.conf').waitFor({ timeout: 60_000 });
      await shot('vcb-1-host.png');
    });

    await check(
      'Back Up with VCB from a VM’s right-click menu: the job in Jobs, then succeeded, files in the repository',
      async () => {
        await expand(infra(), 'DC0');
        await expand(infra(), 'DC0_H0');
        await row(infra(), VMS.running).click({ button: 'right' });
        const menu = p.locator('.context-view .monaco-menu');
        await menu.waitFor({ timeout: 10_000 });
        const text = await menu.innerText();
        if (!/Back Up with VCB/.test(text) || !/Browse Files \(VCB File Level\)/.test(text))
          throw new Error(`menu was: ${text.replace(/\s+/g, ' ')}`);
        await shot('vcb-2-vm-menu.png');
        await clickMenu(p, 'Back Up with VCB');
        const quick = p.locator('.quick-input-widget');
        await quick.locator('.monaco-list-row', { hasText: 'Into the repository' }).waitFor({ timeout: 30_000 });
        await quick.locator('input').first().press('Enter');
        const job = pane(p, 'Jobs')
          .locator('.monaco-list-row', { hasText: `Back up ${VMS.running} with VCB` })
          .first();
        await job.waitFor({ timeout: 60_000 });
        await shot('vcb-3-backup-in-jobs.png');
        await until(
          p,
          'the VCB backup to succeed',
          async () => {
            const t = await job.innerText().catch(() => '');
            if (/failed/.test(t)) throw new Error(`the job: ${t.replace(/\s+/g, ' ')}`);
            return /succeeded/.test(t) ? true : undefined;
          },
          90_000,
        );
        await shot('vcb-4-backup-succeeded.png');
        const files = filesBelow(path.join(workspace, 'backups', VMS.running));
        for (const want of ['manifest.json', 'catalog', `${VMS.running}.vmx`])
          if (!files.some((f) => path.basename(f) === want)) throw new Error(`no ${want}: ${files.join(', ')}`);
      },
    );

    await check(
      'Restore with VCB elsewhere: the catalog copy opens with the live datastore names in completion',
      async () => {
        await row(infra(), hostLabel).click({ button: 'right' });
        await clickMenu(p, 'Restore with VCB');
        const quick = p.locator('.quick-input-widget');
        const input = quick.locator('input').first();
        await quick.locator('.quick-input-title', { hasText: 'vcbRestore -s' }).waitFor({ timeout: 30_000 });
        await input.fill(backupDir);
        await input.press('Enter');
        await quick.locator('.monaco-list-row', { hasText: 'Elsewhere' }).waitFor({ timeout: 30_000 });
        await input.fill('Elsewhere');
        await input.press('Enter');
        await p.locator('.tab', { hasText: 'catalog-' }).first().waitFor({ timeout: 60_000 });
        // The caret right after `config.vmx=` asks for its value: a click on its line, Home, then past the '='.
        await p.locator('.editor-instance .view-line', { hasText: 'config.vmx=' }).first().click();
        await p.keyboard.press('Home');
        for (let i = 0; i < 'config.vmx='.length; i++) await p.keyboard.press('ArrowRight');
        await p.keyboard.press('Control+Space');
        const suggest = p.locator('.suggest-widget .monaco-list-row', { hasText: DS.empty }).first();
        await suggest.waitFor({ timeout: 30_000 });
        await shot('vcb-5-catalog-completion.png');
        await p.keyboard.press('Escape');
      },
    );

    await check(
      'Browse Files (VCB File Level) from a VM’s right-click menu: its volumes under the VCB host, a file opened read-only, then Unmount',
      async () => {
        // The extension tests left a guest volume in this VM's disk (the lab's convention: a tar with Windows/win.ini).
        await expand(infra(), 'DC0');
        await expand(infra(), 'DC0_H0');
        await row(infra(), VMS.suspended).click({ button: 'right' });
        await clickMenu(p, 'Browse Files (VCB File Level)');
        const mountLabel = `${VMS.suspended} (file level, read-only)`;
        const dc = row(infra(), 'DC0');
        if ((await dc.getAttribute('aria-expanded')) === 'true') await dc.click(); // the VCB host's rows in sight
        await row(infra(), mountLabel).waitFor({ timeout: 90_000 });
        await expand(infra(), mountLabel);
        await expand(infra(), 'letters');
        const drive = infra()
          .locator('.monaco-list-row', { hasText: /^\s*C\s*$/ })
          .first();
        await drive.waitFor({ timeout: 30_000 });
        if ((await drive.getAttribute('aria-expanded')) === 'false') await drive.click();
        await expand(infra(), 'Windows');
        await row(infra(), 'win.ini').click();
        await p.locator('.tab', { hasText: 'win.ini' }).first().waitFor({ timeout: 30_000 });
        await p.locator('.editor-instance .view-line', { hasText: '[fonts]' }).first().waitFor({ timeout: 30_000 });
        // Typing into it changes nothing: the vmbackup-vcb: mount is read-only.
        await p.locator('.editor-instance .view-line', { hasText: '[fonts]' }).first().click();
        await p.keyboard.type('x');
        const text = await p.locator('.editor-instance .view-line').first().innerText();
        if (text.includes('x')) throw new Error(`the mounted file took an edit: ${text}`);
        await shot('vcb-6-file-level.png');
        await row(infra(), mountLabel).click({ button: 'right' });
        await clickMenu(p, 'Unmount');
        await row(infra(), mountLabel).waitFor({ state: 'detached', timeout: 90_000 });
        await shot('vcb-7-unmounted.png');
      },
    );
  } finally {
    await browser.close();
  }
  return { checks };
}
