// The extension tests inside a real VS Code (code-server 1.100.3): the mocha suite in the extension host, then a UI script.
import * as fs from 'node:fs';
import { format } from 'node:util';
import * as path from 'node:path';
import { startXapiLab } from '../lab/xapi';
import { OTHER_CONNECTION } from './uiFeedback';
import { launchBrowser } from './browser';
import { CodeServer, repoRoot, startCodeServer, workbenchUrl } from './codeServer';
import { labPasswordEnv, writeLabWorkspace } from './labWorkspace';
import { passwordEnvName } from '../../src/core/connections';
import { selfSignedFront } from './selfSignedFront';
import { VCSIM_LAB_VMS, startVcsimLab } from '../peers/vcsim/vcsimLab';
import { uiScript } from './uiScript';
import { OVM_CONNECTION, startE2eOvmLab } from './ovmLab';
import { VCB_E2E_ENV, startE2eVcbLab } from './vcbE2eLab';
import { uiVcb } from './uiVcb';
import { tempDir } from '../tempDir';

const PASSWORD = 'e2e-lab-pw-5150';
/** The vCenter's (vcsim's) password: handed over as the lab's is, through the environment. */
const VC_PASSWORD = 'e2e-vc-pw-8086';
/** The Oracle VM Manager's password (connection "ovm"): through the environment too. */
const OVM_PASSWORD = 'e2e-ovm-pw-7002';
/** The UI script's second connection: the lab behind a self-signed https front. */
const TLS_CONNECTION = 'lab-tls';
export const screenshotDir = path.join(repoRoot, 'out', 'e2e');

/** The VCB lab's extension tests (test/e2e/suite/vcbSsh*.test.ts): a run of their own, on a vcsim of their own. */
const VCB_SUITE_FILES = '^vcbSsh';

/** Loads the extension with its test suite; VS Code reports mocha's output and exit code through codeAutomation*. */
async function runHostSuite(cs: CodeServer, workspace: string, timeoutMs = 600_000): Promise<number> {
  const browser = await launchBrowser();
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await browser.newPage();
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        process.stdout.write(`${format(...(args ?? []))}\n`);
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.goto(workbenchUrl(cs, workspace, path.join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index')));
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error('extension host suite timed out');
        resolve(99);
      }, timeoutMs);
    });
    return await Promise.race([exit, timeout]);
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}

/** Prints a UI script's checks; 1 when any failed. */
function report(checks: Array<{ name: string; ok: boolean; detail?: string }>, what: string): number {
  for (const c of checks) console.log(`${c.ok ? '  ✔' : '  ✘'} ${what}: ${c.name}${c.ok ? '' : ` — ${c.detail}`}`);
  const bad = checks.filter((c) => !c.ok).length;
  console.log(`${what} script: ${checks.length - bad} passed, ${bad} failed (screenshots in ${screenshotDir})`);
  return bad ? 1 : 0;
}

async function main(): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const lab = await startXapiLab({ password: PASSWORD, taskStepMs: 20, faultControl: true });
  const front = await selfSignedFront(lab.url);
  const env = {
    ...labPasswordEnv(PASSWORD, VC_PASSWORD),
    [passwordEnvName(TLS_CONNECTION)]: PASSWORD,
    [passwordEnvName(OVM_CONNECTION)]: OVM_PASSWORD,
    [passwordEnvName(OTHER_CONNECTION)]: PASSWORD,
    VMBACKUP_E2E_LAB_URL: lab.url,
  };
  let failed = 0;
  try {
    // A vCenter beside the pool for each part (test/peers/vcsim/vcsimLab.ts: the suite changes its snapshots and VMs);
    // CI builds vcsim, a missing one fails the run.
    // And an Oracle VM Manager (test/e2e/ovmLab.ts: REST lab, repositories and Manager host on a real sshd).
    const vc1 = await startVcsimLab({ password: VC_PASSWORD });
    const ovm1 = await startE2eOvmLab(OVM_PASSWORD);
    try {
      const ws1 = writeLabWorkspace(tempDir('vmbackup-e2e-ws-'), lab.url, vc1.sim, [ovm1.profile]);
      const cs1 = await startCodeServer({ ...env, VMBACKUP_E2E_FILES: `^(?!${VCB_SUITE_FILES.slice(1)})` });
      try {
        failed += (await runHostSuite(cs1, ws1)) === 0 ? 0 : 1;
      } finally {
        await cs1.stop();
      }
    } finally {
      await vc1.close();
      await ovm1.close();
    }

    // The VCB tools over SSH (test/lab/vcb on a real OpenSSH server) acting on a vcsim of their own: the tests restore
    // VMs into it. A missing sshd or vimhelper fails the run (.ci/run installs and builds both).
    const vc3 = await startVcsimLab({ password: VC_PASSWORD });
    try {
      const { lab: vcb, info } = await startE2eVcbLab(vc3.sim.url, VC_PASSWORD);
      try {
        const ws3 = writeLabWorkspace(tempDir('vmbackup-e2e-vcb-'), lab.url, vc3.sim);
        const cs3 = await startCodeServer({
          ...env,
          VMBACKUP_E2E_FILES: VCB_SUITE_FILES,
          [VCB_E2E_ENV]: JSON.stringify(info),
        });
        try {
          failed += (await runHostSuite(cs3, ws3)) === 0 ? 0 : 1;
          // The UI part on the same workspace: the suite added the VCB host and left a backup on it (off-original).
          const r = await uiVcb(cs3, ws3, screenshotDir, info, path.join(info.backups, 'off-original'));
          failed += report(r.checks, 'UI (VCB)');
        } finally {
          await cs3.stop();
        }
      } finally {
        await vcb.stop();
      }
    } finally {
      await vc3.close();
    }

    // The UI script backs up the running standalone-host VM: a bigger disk, so its job is seen running.
    // A host-local datastore and a launcher task that runs until cancelled (the busy-VM check).
    const vc2 = await startVcsimLab({
      password: VC_PASSWORD,
      diskMiBOf: { [VCSIM_LAB_VMS.running]: 256 },
      hostLocalDatastore: true,
      taskMs: 600_000,
    });
    // The UI script's Oracle VM backup: disks big enough to see the job running.
    const ovm2 = await startE2eOvmLab(OVM_PASSWORD, { diskBytes: 48 * 1024 * 1024, jobStepMs: 300 });
    try {
      const ws2 = writeLabWorkspace(tempDir('vmbackup-e2e-ui-'), lab.url, vc2.sim, [ovm2.profile]);
      const cs2 = await startCodeServer(env);
      try {
        const r = await uiScript(
          cs2,
          ws2,
          lab,
          screenshotDir,
          { name: TLS_CONNECTION, front, password: PASSWORD },
          vc2,
          ovm2,
        );
        failed += report(r.checks, 'UI');
      } finally {
        await cs2.stop();
      }
    } finally {
      await vc2.close();
      await ovm2.close();
    }
    const logText = [lab.requests.join('\n')].join('\n');
    if (logText.includes(PASSWORD)) {
      console.error('the lab request log holds the password');
      failed++;
    }
  } finally {
    await front.close();
    await lab.close();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
