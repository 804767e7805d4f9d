// vmbackup: the provider layer from a shell. `vmbackup help` lists the verbs.
import { parseArgs } from './cli/args';
import { verbs } from './cli/commands';
import { mask } from './core/secrets';
import { printable, printableJson, printableLines } from './cli/printable';
import { HELP } from './cli/help';

// A reader that went away (`vmbackup help | head -1`): Node ignores SIGPIPE and raises EPIPE on stdout, which crashed the
// CLI with an uncaught error. Further output is dropped instead, and the verb still ends as it would: a backup under
// way is not cut off halfway (it removes its .part and snapshot itself only on a failure or a cancel).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
});

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const verb = args.positional.shift();
  if (!verb || verb === 'help' || args.flags.help) {
    process.stdout.write(HELP + '\n');
    return verb ? 0 : 2;
  }
  const fn = verbs[verb];
  if (!fn) {
    process.stderr.write(`unknown verb "${printable(verb)}"\n${HELP}\n`);
    return 2;
  }
  return fn(args, (data, text) =>
    process.stdout.write((args.flags.json ? printableJson(data) : printableLines(text)) + '\n'),
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== -1) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`vmbackup: ${printable(mask((err as Error).message ?? String(err)))}\n`);
    process.exitCode = 1;
  },
);
