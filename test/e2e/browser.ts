// Debian chromium driven by playwright-core (installed in .vscode-test by setup.sh).
import * as path from 'node:path';
import { toolsDir } from './codeServer';
import { tempDir } from '../tempDir';

export type Page = any;

export type Browser = any;

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = require(path.join(toolsDir, 'node_modules', 'playwright-core'));
  const userDataDir = tempDir('vmbackup-chromium-');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
    ].slice(0, 7),
    headless: true,
  });
}
