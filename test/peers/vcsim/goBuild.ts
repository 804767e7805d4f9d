// Runs a Go build script of the test peers (test/peers/vcsim/build.sh, test/lab/vcb/build.sh — both through
// goBuild.sh: offline, Debian's Go and govmomi, a no-op when the binary is newer than its sources) once per process.
import { execFileSync } from 'node:child_process';

const built = new Map<string, string>();

/** Runs `bash <script>` (once per process per script) and returns the binary's path: the last line it prints. */
export function goBuild(script: string): string {
  let bin = built.get(script);
  if (!bin) {
    bin = execFileSync('bash', [script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 15 * 60_000,
    })
      .trim()
      .split('\n')
      .pop()!;
    built.set(script, bin);
  }
  return bin;
}
