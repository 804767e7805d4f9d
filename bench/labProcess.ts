// Runs `vmbackup lab` in a child process so the lab's memory and CPU are not counted as ours.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LabProcess {
  url: string;
  workspace: string;
  stop(): void;
}

/** `env`: more environment for the lab (e.g. VMBACKUP_LAB_WRITE_TIMES=1, see the XAPI lab's `writeTimes`). */
export async function startLabProcess(
  args: string[],
  password: string,
  prefix: string[] = [],
  env: Record<string, string> = {},
): Promise<LabProcess> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-'));
  const cli = path.resolve(__dirname, '../../dist/cli.js');
  const [cmd, ...cmdArgs] = [...prefix, process.execPath, cli, 'lab', '--workspace', workspace, ...args];
  const child: ChildProcess = spawn(cmd, cmdArgs, {
    env: { ...process.env, ...env, VMBACKUP_PASSWORD_LAB: password },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`lab exited with ${c}`)));
  });
  return { url, workspace, stop: () => child.kill('SIGTERM') };
}
