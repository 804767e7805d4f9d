// UI checks of issue #16's job feedback and live tree, on the real workbench: a backup's one result notification
// (Verify, Reveal in Explorer), the job log as a read-only document, a power change made by another client repainting
// its row without a refresh, and a restore aimed at another connection (a second XAPI lab).
import * as path from 'node:path';
import { XapiLab, startXapiLab } from '../lab/xapi';
import { Page } from './browser';
import {
  CheckRunner,
  addConnectionCollapsed,
  clickMenu,
  expand,
  openRestoreWizard,
  pane,
  row,
  scrollToRow,
  until,
} from './uiHelpers';
import { loadConnections, saveConnections } from '../../src/core/connections';

/** The connection the cross-connection restore aims at; run.ts gives code-server its password variable. */
export const OTHER_CONNECTION = 'lab-other';

interface FeedbackContext {
  page: Page;
  check: CheckRunner['check'];
  workspace: string;
  shots: string;
  lab: XapiLab;
  /** The labs' password (the second lab uses it too). */
  password: string;
  /** A VM the lab can export (its disks on SRs the master sees), halted. */
  haltedVm: string;
  /** The VM whose backup the earlier checks made (its Backups group is expanded). */
  backedUpVm: string;
}

/** One JSON-RPC call to the lab, as another client (xe, XenCenter) would make it. */
async function xapi(lab: XapiLab, method: string, ...params: unknown[]): Promise<unknown> {
  const r = await fetch(`${lab.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
  });
  const body = (await r.json()) as { result?: unknown; error?: { message: string; data?: string[] } };
  if (body.error) throw new Error([body.error.message, ...(body.error.data ?? [])].join(' '));
  return body.result;
}

export async function feedbackChecks(c: FeedbackContext): Promise<void> {
  const { page, check, shots, lab } = c;
  const jobs = pane(page, 'Jobs');
  const infra = pane(page, 'Infrastructure');

  await check(
    'a backup ends with one result notification naming what was written, with Verify and Reveal in Explorer; Verify checks it',
    async () => {
      await scrollToRow(page, infra, c.haltedVm);
      await row(infra, c.haltedVm).click({ button: 'right' });
      await clickMenu(page, 'Back Up VM');
      const toast = page.locator('.notification-toast', { hasText: `Back up ${c.haltedVm} succeeded` });
      await toast.first().waitFor({ timeout: 90_000 });
      const text = (await toast.first().innerText()).replace(/\s+/g, ' ');
      if (!/\d+ s, [\d.]+ (B|KiB|MiB|GiB)/.test(text))
        throw new Error(`the notification lacks what was written: ${text}`);
      for (const button of ['Verify', 'Reveal in Explorer'])
        if (!(await toast.first().locator('.monaco-button', { hasText: button }).count()))
          throw new Error(`the notification has no "${button}" button: ${text}`);
      if ((await toast.count()) !== 1) throw new Error(`${await toast.count()} result notifications for one backup`);
      await page.screenshot({ path: path.join(shots, '14-backup-notification.png') });
      await toast.first().hover();
      await toast.first().locator('.monaco-button', { hasText: 'Verify' }).click();
      await page
        .locator('.notification-toast', { hasText: 'verified' })
        .filter({ hasText: 'match the manifest' })
        .first()
        .waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(shots, '14b-verified.png') });
    },
  );

  await check('Show Job Log opens the job log as a read-only document with file, bytes and sha256', async () => {
    const job = jobs
      .locator('.monaco-list-row', { hasText: `Back up ${c.haltedVm}` })
      .filter({ hasText: 'succeeded' })
      .first();
    await job.waitFor({ timeout: 30_000 });
    await job.click({ button: 'right' });
    await clickMenu(page, 'Show Job Log');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const lines = editor.locator('.view-lines');
    const text = await until(page, 'the job log in an editor', async () => {
      const t = (await lines.innerText().catch(() => '')).replace(/\u00a0/g, ' '); // spaces render as no-break spaces
      return /sha256/.test(t) ? t : undefined;
    });
    for (const want of [/^source: /m, /^file: .*\.xva/m, /^bytes: \d+/m, /^duration: \d+ s/m])
      if (!want.test(text)) throw new Error(`the log lacks ${want}: ${text.slice(0, 300)}`);
    const tab = page.locator('.tabs-container .tab.active');
    if (/Untitled/.test(await tab.innerText())) throw new Error('the log opened as an Untitled file');
    // Typing into it is refused by the editor: a content provider's document is read-only.
    await editor.click();
    await page.keyboard.type('x');
    await page
      .locator('.monaco-editor-overlaymessage', { hasText: /read-only/i })
      .first()
      .waitFor({ timeout: 10_000 });
    if ((await lines.innerText()).replace(/\u00a0/g, ' ') !== text)
      throw new Error('the log document changed when typed into');
    await page.screenshot({ path: path.join(shots, '15-job-log.png') });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+W');
  });

  await check(
    'a VM shut down by another client (JSON-RPC, as xe would) shows halted in the tree without a refresh',
    async () => {
      // A running VM on a host the lab still has (the pool-database restore before dropped the members).
      const found = [...lab.store.table('VM')].find(
        ([, v]) =>
          v.power_state === 'Running' &&
          !v.is_a_template &&
          !v.is_a_snapshot &&
          !v.is_control_domain &&
          lab.store.get('host', v.resident_on as string),
      );
      if (!found) throw new Error('no running VM left in the lab');
      const [ref, target] = found;
      const name = String(target.name_label);
      const host = String(lab.store.get('host', target.resident_on as string)?.name_label);
      await scrollToRow(page, infra, host);
      await expand(infra, host);
      await scrollToRow(page, infra, name);
      const before = await row(infra, name).innerText();
      if (!/running/i.test(before)) throw new Error(`the row does not show it running: ${before}`);
      const session = await xapi(lab, 'session.login_with_password', 'root', c.password, '2.21', 'ui-xe');
      try {
        await xapi(lab, 'VM.clean_shutdown', session, ref);
      } finally {
        await xapi(lab, 'session.logout', session).catch(() => undefined);
      }
      // No click, no refresh command: the event stream repaints the row. A halted VM is listed under its pool, not the
      // host it ran on, so its row may move: scroll to wherever it is now.
      await until(page, `the row of ${name} showing halted`, async () => {
        await scrollToRow(page, infra, name, 5_000).catch(() => undefined);
        const text = await row(infra, name)
          .innerText({ timeout: 2_000 })
          .catch(() => '');
        return /halted/i.test(text) ? true : undefined;
      });
      await page.screenshot({ path: path.join(shots, '16-live-update.png') });
    },
  );

  let lab2: XapiLab | undefined;
  try {
    await check(
      'Restore VM into another connection: the connection step, its storage and networks, the VM in the other pool',
      async () => {
        // Another seed: another pool, whose VMs have other uuids than the backup's (no "replace the original" step).
        lab2 = await startXapiLab({ password: c.password, taskStepMs: 5, hosts: 1, seed: 4242 });
        await addConnectionCollapsed(page, c.workspace, {
          name: OTHER_CONNECTION,
          platform: 'xen',
          url: lab2.url,
          username: 'root',
        });
        const { quick, input, title } = await openRestoreWizard(page, c.backedUpVm);
        await title.filter({ hasText: 'to which connection?' }).waitFor({ timeout: 30_000 });
        await quick.locator('.monaco-list-row', { hasText: OTHER_CONNECTION }).waitFor({ timeout: 10_000 });
        await page.screenshot({ path: path.join(shots, '17-restore-connection.png') });
        await input.fill(OTHER_CONNECTION);
        await input.press('Enter');
        // Then the other pool's own SRs, then a network per VIF.
        await title.filter({ hasText: /target storage|new VM or replace/ }).waitFor({ timeout: 60_000 });
        if (/replace/.test((await title.textContent()) ?? '')) {
          // Asked of every pool (with the original gone, a replace brings it back with its uuid): a new VM here.
          await quick.locator('.monaco-list-row', { hasText: 'New VM' }).first().waitFor({ timeout: 10_000 });
          await input.press('Enter');
          await title.filter({ hasText: 'target storage' }).waitFor({ timeout: 60_000 });
        }
        await input.press('Enter');
        await title.filter({ hasText: /VIF \d|Name of the restored VM/ }).waitFor({ timeout: 30_000 });
        for (let step = 0; /VIF \d/.test((await title.textContent()) ?? ''); step++) {
          if (step > 8) throw new Error('more network steps than the backup has VIFs');
          const was = await title.textContent();
          await input.press('Enter');
          for (let i = 0; i < 100 && (await title.textContent()) === was; i++) await page.waitForTimeout(100);
        }
        await title.filter({ hasText: 'Name of the restored VM' }).waitFor({ timeout: 10_000 });
        await input.fill('ui-restored-other');
        await input.press('Enter');
        await title.filter({ hasText: 'After the restore' }).waitFor({ timeout: 10_000 });
        await input.press('Enter');
        await jobs
          .locator('.monaco-list-row', { hasText: 'ui-restored-other' })
          .filter({ hasText: 'succeeded' })
          .first()
          .waitFor({ timeout: 120_000 });
        const other = lab2;
        if (
          ![...other.store.table('VM').values()].some((v) => v.name_label === 'ui-restored-other' && !v.is_a_template)
        )
          throw new Error(`the second lab has no VM "ui-restored-other"`);
        if ([...lab.store.table('VM').values()].some((v) => v.name_label === 'ui-restored-other'))
          throw new Error("the VM was restored into the backup's own pool");
        await expand(infra, OTHER_CONNECTION);
        await expand(infra, String([...other.store.table('pool').values()][0].name_label));
        const h = [...other.store.table('host').values()][0];
        await expand(infra, String(h.name_label)).catch(() => undefined);
        await scrollToRow(page, infra, 'ui-restored-other');
        await page.screenshot({ path: path.join(shots, '18-restored-other-connection.png') });
      },
    );
  } finally {
    saveConnections(
      c.workspace,
      loadConnections(c.workspace).connections.filter((x) => x.name !== OTHER_CONNECTION),
    );
    await lab2?.close();
  }
}
