// Temporary folders of the tests: made under os.tmpdir() and removed when the test process ends, so a run leaves
// nothing in /tmp. Under mocha, test/leakCheck.ts points TMPDIR at a folder of its own for the run (runTmp.ts) and
// fails the run naming whatever is left there after these are removed: a product's leftovers are never hidden, since
// only the folders made here are removed, not everything under the temporary folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made = new Set<string>();

/**
 * A fresh folder `<os.tmpdir()>/<prefix>XXXXXX` (fs.mkdtempSync), removed by removeTempDirs() at the end of the run
 * (leakCheck's teardown, or the process's exit when no mocha runs). A test may remove it earlier itself.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tempDir() made that is still there (recursive, missing ones ignored). */
export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}

// Scripts run without mocha (test/e2e/run.ts, demo, desktop) clean up on a normal exit too.
process.once('exit', removeTempDirs);
