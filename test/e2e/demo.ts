// npm run demo: the XAPI lab (an XCP-ng pool) and a vCenter (VMware's vcsim, test/peers/vcsim/vcsimLab.ts) side by side,
// and a real VS Code (code-server) with the extension connected to both. Without a built vcsim the XCP-ng side is served
// alone and the demo says how to get the vCenter.
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { startXapiLab } from '../lab/xapi';
import { VcsimLab, startVcsimLab, vcsimMissing } from '../peers/vcsim/vcsimLab';
import { passwordEnvName } from '../../src/core/connections';
import { VCENTER_CONNECTION, VCENTER_DEFAULT_PASSWORD } from '../../src/cli/labVerb';
import { repoRoot, startCodeServer, toolsDir, workbenchUrl } from './codeServer';
import { labPasswordEnv, writeLabWorkspace } from './labWorkspace';

const PASSWORD = process.env.VMBACKUP_PASSWORD_LAB ?? 'lab-secret';
const VC_PASSWORD = process.env[passwordEnvName(VCENTER_CONNECTION)] ?? VCENTER_DEFAULT_PASSWORD;

/** The vCenter, or why there is none (printed; the XCP-ng side goes on). */
async function startVcenter(): Promise<VcsimLab | string> {
  const missing = vcsimMissing();
  if (missing) return missing;
  try {
    return await startVcsimLab({ password: VC_PASSWORD, diskMiB: 64 });
  } catch (e) {
    return `the vSphere simulator did not start: ${(e as Error).message.split('\n')[0]} (rebuild it: bash test/peers/vcsim/build.sh)`;
  }
}

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
  const vc = await startVcenter();
  const vcenter = typeof vc === 'string' ? undefined : vc;
  const workspace = writeLabWorkspace(path.join(repoRoot, '.lab', 'demo-workspace'), lab.url, vcenter?.sim);
  // The demo passes the passwords through the environment; the extension moves them into SecretStorage.
  const cs = await startCodeServer(
    labPasswordEnv(PASSWORD, vcenter ? VC_PASSWORD : undefined),
    Number(process.env.DEMO_PORT ?? 0) || undefined,
  );
  console.log(`\nXAPI lab (XCP-ng simulator): ${lab.url}  (user root, password ${PASSWORD})`);
  if (vcenter)
    console.log(
      `vCenter (VMware's vcsim): ${vcenter.sim.baseUrl}  (user administrator@vsphere.local, password ${VC_PASSWORD}; ` +
        `certificate pinned by SHA-256 ${vcenter.sim.sha256})`,
    );
  else console.log(`\nNo vCenter in this demo: ${vc as string}\n`);
  console.log(`Workspace: ${workspace}`);
  console.log(`\nOpen VS Code: ${workbenchUrl(cs, workspace)}\n`);
  console.log('Ctrl-C stops the demo.');
  const stop = async () => {
    await cs.stop();
    await vcenter?.close();
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
