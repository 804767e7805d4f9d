// npm run demo: the XAPI lab (an XCP-ng pool) and a vCenter (VMware's vcsim, test/peers/vcsim/vcsimLab.ts) side by side,
// and a real VS Code (code-server) with the extension connected to both. The vCenter has a VCB host (the VCB lab:
// the guide's tools as stubs on a real OpenSSH server, acting on that vcsim; test/e2e/vcbE2eLab.ts), its SSH host key
// pinned, so the tree shows it with its backuptools.conf. Without a built vcsim the XCP-ng side is served alone, and
// without sshd or the lab's helper the vCenter has no VCB host; the demo says how to get them.
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { startXapiLab } from '../lab/xapi';
import { VcsimLab, startVcsimLab, vcsimMissing } from '../peers/vcsim/vcsimLab';
import { passwordEnvName } from '../../src/core/connections';
import { VCENTER_CONNECTION, VCENTER_DEFAULT_PASSWORD } from '../../src/cli/labVerb';
import { repoRoot, startCodeServer, toolsDir, workbenchUrl } from './codeServer';
import { labPasswordEnv, writeLabWorkspace } from './labWorkspace';
import { loadConnections, saveConnections } from '../../src/core/connections';
import { VcbLab } from '../lab/vcb/vcbLab';
import { E2eVcbInfo, labHostSettings, startE2eVcbLab } from './vcbE2eLab';
import { E2eOvmLab, OVM_CONNECTION, startE2eOvmLab } from './ovmLab';
import { addLabConnections } from '../../src/cli/labConnections';
import { OVM_DEFAULT_PASSWORD } from '../../src/cli/labVerb';

const OVM_PASSWORD = process.env[passwordEnvName(OVM_CONNECTION)] ?? OVM_DEFAULT_PASSWORD;

/** The Oracle VM Manager lab (REST lab, Manager host and server on a real sshd), or why there is none. */
async function startOvm(): Promise<E2eOvmLab | string> {
  try {
    return await startE2eOvmLab(OVM_PASSWORD, { diskBytes: 64 * 1024 * 1024 });
  } catch (e) {
    return `the Oracle VM lab did not start: ${(e as Error).message.split('\n')[0]} (it needs Debian openssh-server: test/peers/openssh/install.sh)`;
  }
}

const PASSWORD = process.env.VMBACKUP_PASSWORD_LAB ?? 'lab-secret';
const VC_PASSWORD = process.env[passwordEnvName(VCENTER_CONNECTION)] ?? VCENTER_DEFAULT_PASSWORD;

/** The vCenter, or why there is none (printed; the XCP-ng side goes on). */
async function startVcenter(): Promise<VcsimLab | string> {
  const missing = vcsimMissing();
  if (missing) return missing;
  try {
    return await startVcsimLab({ password: VC_PASSWORD, diskMiB: 64, hostLocalDatastore: true });
  } catch (e) {
    return `the vSphere simulator did not start: ${(e as Error).message.split('\n')[0]} (rebuild it: bash test/peers/vcsim/build.sh)`;
  }
}

/** The VCB lab on the demo's vCenter, or why there is none (printed; the rest goes on). */
async function startVcb(vcenter: VcsimLab): Promise<{ lab: VcbLab; info: E2eVcbInfo } | string> {
  try {
    return await startE2eVcbLab(vcenter.sim.url, VC_PASSWORD);
  } catch (e) {
    return `the VCB lab did not start: ${(e as Error).message.split('\n')[0]} (it needs Debian openssh-server: test/peers/openssh/install.sh, and bash test/lab/vcb/build.sh)`;
  }
}

/** Adds the VCB lab's host to the vCenter connection of the demo workspace, its SSH host key pinned. */
function addVcbHost(workspace: string, info: E2eVcbInfo): void {
  const { connections } = loadConnections(workspace);
  saveConnections(
    workspace,
    connections.map((c) =>
      c.name === VCENTER_CONNECTION
        ? {
            ...c,
            vcbHosts: [
              {
                host: info.host,
                port: info.port,
                username: info.user,
                hostKey: info.fingerprint,
                ...labHostSettings(info),
              },
            ],
          }
        : c,
    ),
  );
}

/**
 * What the demo has started, stopped in reverse order on SIGINT/SIGTERM (a terminal's Ctrl-C reaches the whole process
 * group, so sshd and vcsim may be dead already: every stop tolerates that, and one failing stop does not skip the
 * others). The handlers are installed before anything starts; a signal during the start lets the current step finish,
 * then stops what was started. Exit code 130 either way.
 */
const stops: Array<() => Promise<void>> = [];
let interrupted = false;
async function stopAll(code = 130): Promise<never> {
  interrupted = true;
  for (const stop of stops.reverse())
    await stop().catch((e: unknown) => console.error(`stopping: ${(e as Error).message}`));
  process.exit(code);
}
let stopping: Promise<never> | undefined;
const onSignal = () =>
  void (stopping ??= starting.then(
    () => stopAll(),
    () => stopAll(),
  ));
let starting: Promise<void> = Promise.resolve();
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** Runs a start step and registers its stop; after a signal, stops everything instead of going on. */
async function started<T>(value: Promise<T>, stop: (v: T) => Promise<void>): Promise<T> {
  const p = value.then((v) => {
    stops.push(() => stop(v));
    return v;
  });
  starting = p.then(
    () => undefined,
    () => undefined,
  );
  const v = await p;
  if (interrupted || stopping) await new Promise(() => undefined); // stopAll exits
  return v;
}

async function main(): Promise<void> {
  // --labs-only: the labs without code-server (what the Ctrl-C test runs; also for a CLI-only session).
  const labsOnly = process.argv.includes('--labs-only');
  if (!labsOnly && !fs.existsSync(path.join(toolsDir, 'node_modules', '.bin', 'code-server'))) {
    console.log('Installing code-server, chromium and playwright-core (first run only, ~2 min)…');
    execFileSync('bash', [path.join(repoRoot, 'test', 'e2e', 'setup.sh')], { stdio: 'inherit' });
  }
  const lab = await started(
    startXapiLab({
      password: PASSWORD,
      hosts: 3,
      vmsPerHost: 4,
      taskStepMs: 150,
      diskBytes: 256 * 1024 * 1024,
    }),
    (l) => l.close(),
  );
  const vc = await started(startVcenter(), async (v) => {
    if (typeof v !== 'string') await v.close();
  });
  const vcenter = typeof vc === 'string' ? undefined : vc;
  const workspace = writeLabWorkspace(
    process.env.DEMO_WORKSPACE ?? path.join(repoRoot, '.lab', 'demo-workspace'),
    lab.url,
    vcenter?.sim,
  );
  const vcbStarted = vcenter
    ? await started(startVcb(vcenter), async (v) => {
        if (typeof v !== 'string') await v.lab.stop();
      })
    : undefined;
  const vcb = typeof vcbStarted === 'object' ? vcbStarted : undefined;
  if (vcb) addVcbHost(workspace, vcb.info);
  const ovmStarted = await started(startOvm(), async (o) => {
    if (typeof o !== 'string') await o.close();
  });
  const ovm = typeof ovmStarted === 'object' ? ovmStarted : undefined;
  if (ovm) addLabConnections(workspace, [ovm.profile]);
  console.log(`\nXAPI lab (XCP-ng simulator): ${lab.url}  (user root, password ${PASSWORD})`);
  if (vcenter)
    console.log(
      `vCenter (VMware's vcsim): ${vcenter.sim.baseUrl}  (user administrator@vsphere.local, password ${VC_PASSWORD}; ` +
        `certificate pinned by SHA-256 ${vcenter.sim.sha256})`,
    );
  else console.log(`\nNo vCenter in this demo: ${vc as string}\n`);
  if (vcb)
    console.log(
      `VCB host of the vCenter (VCB lab, a real sshd): ${vcb.info.host}:${vcb.info.port} (user ${vcb.info.user}, ` +
        `key ${vcb.info.keyFile}, host key ${vcb.info.fingerprint} pinned)`,
    );
  else if (typeof vcbStarted === 'string') console.log(`No VCB host in this demo: ${vcbStarted}`);
  if (ovm)
    console.log(
      `Oracle VM Manager (REST lab; Manager host and server on a real sshd): ${ovm.profile.url}  (connection ` +
        `"${OVM_CONNECTION}", user admin, password ${OVM_PASSWORD}; certificate pinned)`,
    );
  else console.log(`No Oracle VM Manager in this demo: ${ovmStarted as string}`);
  console.log(`Workspace: ${workspace}`);
  if (labsOnly) {
    console.log('\nLabs ready (--labs-only: no VS Code).');
  } else {
    // The demo passes the passwords through the environment; the extension moves them into SecretStorage.
    const cs = await started(
      startCodeServer(
        {
          ...labPasswordEnv(PASSWORD, vcenter ? VC_PASSWORD : undefined),
          ...(ovm ? { [passwordEnvName(OVM_CONNECTION)]: OVM_PASSWORD } : {}),
        },
        Number(process.env.DEMO_PORT ?? 0) || undefined,
      ),
      (c) => c.stop(),
    );
    console.log(`\nOpen VS Code: ${workbenchUrl(cs, workspace)}\n`);
  }
  console.log('Ctrl-C stops the demo.');
}

main().catch((e) => {
  console.error(e);
  void stopAll(1);
});
