// The CLI on a pseudo-terminal (util-linux `script`): what a user sees on a terminal, for cliTerminal and cliOutputText.
import { spawn } from 'node:child_process';
import { CLI, cliBaseEnv } from './cliRun';

/** What a terminal shows of `raw` at the end: per line, what follows the last `\r`, erase-to-end sequences applied. */
export function screen(raw: string): string[] {
  return raw
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) =>
      l
        .split('\r')
        .pop()!
        .replace(/\x1b\[K/g, ''),
    )
    .filter((l) => l !== '');
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `vmbackup <args> --workspace <ws>` with stdout and stderr on one pseudo-terminal, `env` added to the environment;
 * resolves the exit status and what was written to it. Asynchronous: a lab answers from this process.
 */
export function onTerminal(
  args: string[],
  ws: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; raw: string }> {
  const cmd = [process.execPath, CLI, ...args, '--workspace', ws].map(sq).join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    env: { ...cliBaseEnv(), TERM: 'xterm', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let raw = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (raw += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, raw }));
  });
}
