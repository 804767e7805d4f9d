// The CLI as a user runs it: `node dist/cli.js …` in a child process, with only PATH and the given environment.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** The built CLI (`npm run build`). */
export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

const run = promisify(execFile);

/**
 * The environment a CLI child starts from: PATH, and TMPDIR when set (under mocha, the run's own temporary folder,
 * test/runTmp.ts: what the CLI leaves there is then found by leakCheck).
 */
export function cliBaseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}) };
}

/**
 * Runs `vmbackup <args>`, with `--workspace <ws>` appended when given, in an environment of PATH (and TMPDIR) plus `env`.
 * Resolves `{stdout, stderr}`; rejects on a non-zero exit with execFile's error (`code`, `stdout`, `stderr`).
 */
export function runCli(
  args: string[],
  opts: { ws?: string; env?: NodeJS.ProcessEnv; maxBuffer?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args, ...(opts.ws ? ['--workspace', opts.ws] : [])], {
    env: { ...cliBaseEnv(), ...opts.env },
    maxBuffer: opts.maxBuffer,
  });
}
