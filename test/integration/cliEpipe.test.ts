// The CLI whose reader goes away (`vmbackup help | head -c 0`): no uncaught EPIPE, the verb's own exit code.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { CLI } from './cliRun';

describe('vmbackup with its stdout closed by the reader', () => {
  it('help into a closed pipe: exit 0, no uncaught EPIPE on stderr', async () => {
    const child = spawn(process.execPath, [CLI, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the CLI writes
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
