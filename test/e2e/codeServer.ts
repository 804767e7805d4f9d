// Starts code-server (a real VS Code 1.100.3) with fresh folders on a free loopback port.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tempDir } from '../tempDir';

export const repoRoot = path.resolve(__dirname, '../../..');
export const toolsDir = path.join(repoRoot, '.vscode-test');

export interface CodeServer {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

export async function startCodeServer(env: NodeJS.ProcessEnv = {}, fixedPort?: number): Promise<CodeServer> {
  const bin = path.join(toolsDir, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server is not installed: run bash test/e2e/setup.sh`);
  const dir = tempDir('vmbackup-cs-');
  const settings = path.join(dir, 'ud', 'User', 'settings.json');
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
  fs.writeFileSync(
    settings,
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
    }),
  );
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');
  const port = fixedPort ?? (await freePort());
  const child: ChildProcess = spawn(
    bin,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      path.join(dir, 'ud'),
      '--extensions-dir',
      path.join(dir, 'ext'),
      '--config',
      path.join(dir, 'config.yaml'),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      env: { ...process.env, ...env, HOME: path.join(dir, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const logFile = fs.createWriteStream(path.join(dir, 'code-server.log'));
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (i > 200 || child.exitCode !== null) throw new Error(`code-server did not start; see ${dir}/code-server.log`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    dir,
    stop: async () => {
      // The extension host outlives the browser: kill the whole process group.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      await new Promise((r) => setTimeout(r, 300));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The page address that loads our extension (or another one) in development mode, and optionally its test suite. */
export function workbenchUrl(cs: CodeServer, workspace: string, testsPath?: string, extensionPath = repoRoot): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  const payload: string[][] = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
