// Runs a Python script of test/thirdparty with Debian's /usr/bin/python3 (where apt's python3-os-xenapi installs
// XenAPI.py; the python3 first on PATH may be another one), passing the lab's URL and credentials in the environment.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** True when XenAPI.py is importable by /usr/bin/python3 (`.ci/run` installs python3-os-xenapi). */
export function haveXenApiPy(): boolean {
  return existsSync('/usr/lib/python3/dist-packages/os_xenapi/client/XenAPI.py');
}

/** Runs test/thirdparty/<script> and parses the one JSON line it prints; rejects with its stderr on failure. */
export function runPython(script: string, env: Record<string, string>): Promise<Record<string, any>> {
  const path = join(__dirname, '..', '..', '..', 'test', 'thirdparty', script);
  return new Promise((resolve, reject) => {
    execFile(SYSTEM_PYTHON, [path], { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} failed: ${stderr || err.message}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`${script} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}
