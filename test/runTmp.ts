// A temporary folder of the test run's own: every process of the run (mocha, the CLIs and labs it starts, their
// children) inherits TMPDIR pointing there, so what the run makes under os.tmpdir() can be told apart from what other
// runs on the same machine make in /tmp at the same time. At the end, whatever is still in it is a leftover of this run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The run's temporary folder and the TMPDIR it replaced (undefined: none was set). */
export interface RunTmp {
  dir: string;
  previous: string | undefined;
}

/**
 * Makes `<os.tmpdir()>/vmbackup-testrun-XXXXXX`, mode 1777 like /tmp (the SSH peers' users and the tools they run write
 * there too), and sets process.env.TMPDIR to it: os.tmpdir() (Node reads TMPDIR on each call) and every child started
 * afterwards with the inherited environment use it.
 */
export function startRunTmp(): RunTmp {
  const previous = process.env.TMPDIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-testrun-'));
  fs.chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return { dir, previous };
}

/**
 * Ends the run's temporary folder: restores TMPDIR, removes the folder, and returns the names that were still in it
 * (sorted; empty when the run left nothing). A leftover is removed too once named, so a failed run does not fill /tmp.
 */
export function endRunTmp(run: RunTmp): string[] {
  let left: string[] = [];
  try {
    left = fs.readdirSync(run.dir).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (run.previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = run.previous;
  fs.rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
  return left;
}
