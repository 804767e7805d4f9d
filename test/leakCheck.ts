// Mocha root hook (.mocharc.json "require"): after the last test, nothing a test started may still be running.
// A timer, socket, server or child process left by a test keeps Node alive, and mocha (without --exit) then waits
// forever: CI hung after "920 passing" on a Jobs-view poll that an activated extension left running. This fails the
// run instead, naming what is left, and ends the process.
// It also fails the run naming what the run left in the temporary folder: the run gets a TMPDIR of its own
// (runTmp.ts), the folders tests made with tempDir() are removed, and whatever else is still there is a leftover.
import { endRunTmp, startRunTmp } from './runTmp';
import { removeTempDirs } from './tempDir';

/** Set when this file is loaded, before any test file: every test, and every child they start, inherits it. */
const runTmp = startRunTmp();

/** How long the last `after` hooks' closes may take to settle, ms. */
const GRACE_MS = 3_000;

/** What keeps the process alive but its own stdio: ref'd handles (sockets, servers, children) and ref'd timers. */
function leftRunning(): string[] {
  const stdio: unknown[] = [process.stdin, process.stdout, process.stderr];
  const handles = (process as unknown as { _getActiveHandles(): object[] })
    ._getActiveHandles()
    .filter((h) => !stdio.includes(h))
    .map((h) => {
      const c = h as { constructor: { name: string }; pid?: number; spawnargs?: string[]; remotePort?: number };
      if (c.pid) return `${c.constructor.name} pid ${c.pid} (${(c.spawnargs ?? []).join(' ')})`;
      return c.remotePort ? `${c.constructor.name} to port ${c.remotePort}` : c.constructor.name;
    });
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate');
  return [...handles, ...timers];
}

/** Waits until nothing is left running or GRACE_MS has passed; returns what is still running then. */
async function settledRunning(): Promise<string[]> {
  const deadline = Date.now() + GRACE_MS;
  for (;;) {
    const left = leftRunning();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise<void>((r) => setTimeout(r, 100)); // fired, hence not in the next count
  }
}

/**
 * Mocha's global teardown: polls what is left (Node's `_getActiveHandles` and `getActiveResourcesInfo`, which list only
 * ref'd handles and timers) until nothing is or GRACE_MS has passed; removes the tests' tempDir() folders and lists
 * what else is in the run's temporary folder. Prints what is left and exits 1 when either is not empty.
 */
export async function mochaGlobalTeardown(): Promise<void> {
  const running = await settledRunning();
  removeTempDirs();
  const files = endRunTmp(runTmp);
  if (running.length)
    console.error(`\nLeft running after the last test (mocha would wait for them forever): ${running.join(', ')}`);
  if (files.length)
    console.error(`\nLeft in the temporary folder by this run (${runTmp.dir}, now removed): ${files.join(', ')}`);
  if (running.length || files.length) process.exit(1);
}
