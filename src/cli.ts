// vmbackup: the provider layer from a shell. `vmbackup help` lists the verbs.
// This file holds only the argument parser and the help text: a verb's code (src/cli/run.ts, dist/cli-verbs.js with
// the providers) is loaded when a verb runs, so `vmbackup help` starts as fast as Node does.
import { parseArgs } from './cli/args';
import { HELP } from './cli/help';

// A reader that went away (`vmbackup help | head -1`): Node ignores SIGPIPE and raises EPIPE on stdout, which crashed the
// CLI with an uncaught error. Further output is dropped instead, and the verb still ends as it would: a backup under
// way is not cut off halfway (it removes its .part and snapshot itself only on a failure or a cancel).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
});

async function main(argv: string[]): Promise<number | undefined> {
  const args = parseArgs(argv);
  const verb = args.positional.shift();
  if (!verb || verb === 'help' || args.flags.help) {
    process.stdout.write(HELP + '\n');
    return verb ? 0 : 2;
  }
  return (await import('./cli/run')).runVerb(verb, args);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err) => {
    // Only a failure to load the verbs lands here (runVerb reports the verbs' own errors, masked).
    process.stderr.write(`vmbackup: ${String((err as Error).message ?? err).replace(/[\x00-\x1f\x7f]/g, '?')}\n`);
    process.exitCode = 1;
  },
);
