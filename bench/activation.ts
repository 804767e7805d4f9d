// Extension activation time in a real VS Code (code-server 1.100.3 + headless chromium), as VS Code itself
// records it: the Running Extensions view shows codeLoadingTime + activateCallTime of each extension.
// Reference, measured the same way in the same run: a no-op extension with the same activation event.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startXapiLab } from '../test/lab/xapi';
import { Page, launchBrowser } from '../test/e2e/browser';
import { startCodeServer, toolsDir, workbenchUrl } from '../test/e2e/codeServer';
import { labPasswordEnv, writeLabWorkspace } from '../test/e2e/labWorkspace';
import { median } from './measure';

const OURS = 'vmbackup.vm-backup-explorer';
const REFERENCE = 'vmbackup-bench.noop-reference';
const PASSWORD = 'bench-activation-pw';

/** What the bench needs from `bash test/e2e/setup.sh`, or undefined when it is all there. */
export function missingTools(): string | undefined {
  const need = [
    path.join(toolsDir, 'node_modules', '.bin', 'code-server'),
    path.join(toolsDir, 'node_modules', 'playwright-core'),
    '/usr/bin/chromium',
  ];
  return need.find((p) => !fs.existsSync(p));
}

/** A minimal extension that activates on the same event as ours and does nothing. */
function writeReferenceExtension(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-noop-ext-'));
  const [publisher, name] = REFERENCE.split('.');
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      publisher,
      version: '0.0.1',
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: ['workspaceContains:.vmbackup/connections.yaml'],
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    'exports.activate = function () {};\nexports.deactivate = function () {};\n',
  );
  return dir;
}

/** Opens Developer: Show Running Extensions and reads "[Startup ]Activation: N ms" of one extension. */
async function readActivationMs(page: Page, id: string): Promise<number> {
  await page.keyboard.press('F1');
  await page.keyboard.type('Show Running Extensions');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' })
    .first()
    .waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  const time = page
    .locator('.runtime-extensions-editor .extension', { has: page.locator('.name', { hasText: id }) })
    .locator('.activation-time');
  for (let i = 0; i < 200; i++) {
    const m = /Activation: (\d+)ms/.exec((await time.textContent({ timeout: 30_000 }).catch(() => '')) ?? '');
    if (m) return Number(m[1]);
    await page.waitForTimeout(150);
  }
  throw new Error(`no activation time for ${id} in the Running Extensions view`);
}

/** One fresh code-server + browser per measurement, so each extension host starts cold. */
async function measureOnce(
  workspace: string,
  labEnv: NodeJS.ProcessEnv,
  extensionPath: string,
  id: string,
): Promise<number> {
  const cs = await startCodeServer(labEnv);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(cs, workspace, undefined, extensionPath));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return await readActivationMs(page, id);
  } finally {
    await browser.close();
    await cs.stop();
  }
}

export async function activationBench(rounds: number, repoRoot: string): Promise<Array<[string, string, string]>> {
  const label = 'activation in VS Code 1.100.3 (code-server): ours / no-op extension';
  const missing = missingTools();
  if (missing) return [[label, `skipped: run bash test/e2e/setup.sh (${missing} missing)`, '']];
  const lab = await startXapiLab({ password: PASSWORD });
  const reference = writeReferenceExtension();
  try {
    const workspace = writeLabWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-act-')), lab.url);
    const env = labPasswordEnv(PASSWORD);
    const ours: number[] = [];
    const ref: number[] = [];
    // Alternate who goes first (page cache, CPU frequency).
    for (let r = 0; r < rounds; r++) {
      const a = async () => ours.push(await measureOnce(workspace, env, repoRoot, OURS));
      const b = async () => ref.push(await measureOnce(workspace, env, reference, REFERENCE));
      if (r % 2 === 0) {
        await b();
        await a();
      } else {
        await a();
        await b();
      }
    }
    const o = median(ours);
    const n = median(ref);
    // VS Code reports whole milliseconds: a no-op extension often shows 0, so the ratio is taken against ≥ 1 ms.
    const ratio = n >= 1 ? `ratio ${(o / n).toFixed(0)}` : `ratio ≥ ${o} (reference < 1 ms)`;
    return [
      [
        `${label} (median of ${rounds})`,
        `${o} ms / ${n} ms`,
        `${ratio}; ours ${o} ms; rounds: ${ours.join(', ')} / ${ref.join(', ')}`,
      ],
    ];
  } finally {
    await lab.close();
    fs.rmSync(reference, { recursive: true, force: true });
  }
}
