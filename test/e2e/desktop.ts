// npm run test:desktop: the same extension suite in desktop VS Code via @vscode/test-electron (needs to download VS Code).
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startXapiLab } from '../lab/xapi';
import { repoRoot } from './codeServer';
import { labPasswordEnv, writeLabWorkspace } from './labWorkspace';
import { tempDir } from '../tempDir';

async function main(): Promise<void> {
  const password = 'desktop-lab-pw';
  const lab = await startXapiLab({ password, taskStepMs: 20, faultControl: true });
  try {
    const ws = writeLabWorkspace(tempDir('vmbackup-desktop-'), lab.url);
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index'),
      launchArgs: [ws, '--disable-workspace-trust', '--disable-extensions'],
      extensionTestsEnv: { ...labPasswordEnv(password), VMBACKUP_E2E_LAB_URL: lab.url } as Record<string, string>,
    });
  } finally {
    await lab.close();
  }
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
