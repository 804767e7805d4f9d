// What the UI scripts share: the workbench's panes, tree rows and context menus, driven with playwright.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Page } from './browser';
import { loadConnections, saveConnections } from '../../src/core/connections';
import { ConnectionProfile } from '../../src/core/model';

/** Clicks a context-menu entry (the menu is keyboard-driven: focus the item, then Enter). */
export async function clickMenu(page: Page, label: string): Promise<void> {
  const item = page.locator('.context-view .monaco-menu .action-item', { hasText: label }).first();
  await item.waitFor({ timeout: 10_000 });
  await item.hover();
  await page.waitForTimeout(100);
  await item.click();
  await page
    .locator('.context-view .monaco-menu')
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(async () => {
      await page.keyboard.press('Enter');
    });
}

export function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => path.relative(dir, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)))
    .sort();
}

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

/** The checks of a UI script, and how one is run. */
export interface CheckRunner {
  checks: Check[];
  /** The page a failed check's screenshot is taken of (set once the script opened it). */
  page?: Page;
  /** Runs one check: passed, or failed with the first line of its error and a screenshot `<prefix>failed-<n>.png`. */
  check(name: string, fn: () => Promise<void>): Promise<void>;
}

/** One runner for the UI scripts (uiScript with uiVcenter and uiOvm, uiVcb): a failure never stops the next check. */
export function checkRunner(shots: string, prefix: string): CheckRunner {
  const runner: CheckRunner = {
    checks: [],
    async check(name, fn) {
      try {
        await fn();
        runner.checks.push({ name, ok: true });
      } catch (e) {
        runner.checks.push({ name, ok: false, detail: (e as Error).message.split('\n')[0] });
        await runner.page
          ?.screenshot({ path: path.join(shots, `${prefix}failed-${runner.checks.length}.png`) })
          .catch(() => undefined);
      }
    },
  };
  return runner;
}

export const pane = (page: Page, title: string) =>
  page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
export const row = (scope: Page, text: string) => scope.locator('.monaco-list-row', { hasText: text }).first();

export async function expand(scope: Page, text: string): Promise<void> {
  const r = row(scope, text);
  await r.waitFor({ timeout: 30_000 });
  if ((await r.getAttribute('aria-expanded')) === 'false') await r.click();
}

/** Polls `fn` until it returns a value (generous limits: readiness only, never a duration check). */
export async function until<T>(page: Page, what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(300);
  }
}

/**
 * Scrolls the list of `scope` (a view's pane) until a row with `text` is rendered: the tree is virtualised, so a row
 * below the fold does not exist in the page until scrolled to. Throws naming the view's text after `ms`.
 */
export async function scrollToRow(page: Page, scope: Page, text: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  if (await row(scope, text).isVisible()) return;
  // From the top of the list down.
  await scope.locator('.monaco-list').first().hover();
  await page.mouse.wheel(0, -1_000_000);
  await page.waitForTimeout(300);
  while (!(await row(scope, text).isVisible())) {
    if (Date.now() > deadline)
      throw new Error(`no "${text}" row: ${(await scope.innerText()).replace(/\s+/g, ' ').slice(0, 300)}`);
    await scope.locator('.monaco-list').first().hover();
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(300);
  }
}

/** Collapses every node of a view (its title bar's Collapse All). */
export async function collapseAll(page: Page, title: string): Promise<void> {
  const view = pane(page, title);
  await view.locator('.pane-header').hover();
  await view
    .locator('.pane-header .action-label[aria-label="Collapse All"]')
    .click({ timeout: 5_000 })
    .catch(() => undefined);
}

/**
 * Collapses the Infrastructure tree and adds connection `profile` to the workspace's connections.yaml while VS Code runs
 * (the store watches the file): its row then shows at the top level, in view.
 */
export async function addConnectionCollapsed(page: Page, workspace: string, profile: ConnectionProfile): Promise<Page> {
  await collapseAll(page, 'Infrastructure');
  const { connections } = loadConnections(workspace);
  saveConnections(workspace, [...connections, profile]);
  return pane(page, 'Infrastructure');
}

/** The quick input of a wizard: the widget, its text box and its title. */
export interface QuickInput {
  quick: Page;
  input: Page;
  title: Page;
}

/**
 * Right-clicks the newest image backup (`vm · <date>`) of VM `vmName` in the Backups view and chooses *Restore VM*;
 * returns the wizard's quick input.
 */
export async function openRestoreWizard(page: Page, vmName: string): Promise<QuickInput> {
  const backups = pane(page, 'Backups');
  await expand(backups, vmName);
  const entry = backups.locator('.monaco-list-row', { hasText: /vm · \d/ }).first();
  await entry.waitFor({ timeout: 30_000 });
  await entry.click({ button: 'right' });
  await clickMenu(page, 'Restore VM');
  const quick = page.locator('.quick-input-widget');
  return { quick, input: quick.locator('input').first(), title: quick.locator('.quick-input-title') };
}
