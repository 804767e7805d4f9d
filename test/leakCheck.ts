// Mocha root hook (.mocharc.json "require"): after the last test, nothing a test started may still be running.
// A timer, socket, server or child process left by a test keeps Node alive, and mocha (without --exit) then waits
// forever: CI hung after "920 passing" on a Jobs-view poll that an activated extension left running. This fails the
// run instead, naming what is left, and ends the process.

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

/**
 * Mocha's global teardown: polls what is left (Node's `_getActiveHandles` and `getActiveResourcesInfo`, which list only
 * ref'd handles and timers) until nothing is or GRACE_MS has passed; then prints what is left and exits 1.
 */
export async function mochaGlobalTeardown(): Promise<void> {
  const deadline = Date.now() + GRACE_MS;
  for (;;) {
    const left = leftRunning();
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      console.error(`\nLeft running after the last test (mocha would wait for them forever): ${left.join(', ')}`);
      process.exit(1);
    }
    await new Promise<void>((r) => setTimeout(r, 100)); // fired, hence not in the next count
  }
}
