// npm run demo: the XAPI lab + a real VS Code (code-server) with the extension connected to it.
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { startXapiLab } from '../lab/xapi';
import { repoRoot, startCodeServer, toolsDir, workbenchUrl } from './codeServer';
import { labPasswordEnv, writeLabWorkspace } from './labWorkspace';

const PASSWORD = process.env.VMBACKUP_PASSWORD_LAB ?? 'lab-secret';

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(toolsDir, 'node_modules', '.bin', 'code-server'))) {
    console.log('Installing code-server, chromium and playwright-core (first run only, ~2 min)…');
    execFileSync('bash', [path.join(repoRoot, 'test', 'e2e', 'setup.sh')], { stdio: 'inherit' });
  }
  const lab = await startXapiLab({
    password: PASSWORD,
    hosts: 3,
    vmsPerHost: 4,
    taskStepMs: 150,
    diskBytes: 256 * 1024 * 1024,
  });
  const workspace = writeLabWorkspace(path.join(repoRoot, '.lab', 'demo-workspace'), lab.url);
  // The demo passes the lab password through the environment; the extension moves it into SecretStorage.
  const cs = await startCodeServer(labPasswordEnv(PASSWORD), Number(process.env.DEMO_PORT ?? 0) || undefined);
  console.log(`\nXAPI lab (XCP-ng simulator): ${lab.url}  (user root, password ${PASSWORD})`);
  console.log(`Workspace: ${workspace}`);
  console.log(`\nOpen VS Code: ${workbenchUrl(cs, workspace)}\n`);
  console.log('Ctrl-C stops the demo.');
  const stop = async () => {
    await cs.stop();
    await lab.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
