// A verb of `vmbackup`, run: the verbs, the providers and the error policy, in the build dist/cli-verbs.js, which
// src/cli.ts requires only for a verb (`vmbackup help` loads none of it).
import { Args } from './args';
import { verbs } from './commands';
import { mask } from '../core/secrets';
import { printable, printableJson, printableLines } from './printable';
import { HELP } from './help';
import { endStatusLines } from './statusLine';

/**
 * Runs `verb` with the parsed `args` (its positional arguments after the verb); writes to stdout/stderr. Resolves to the
 * exit code: the verb's, 2 for an unknown verb, 1 for an error (its message on stderr, passwords masked), undefined
 * when the verb leaves process.exitCode alone (-1: the verb keeps running, e.g. `lab`).
 */
export async function runVerb(verb: string, args: Args): Promise<number | undefined> {
  const fn = verbs[verb];
  if (!fn) {
    process.stderr.write(`unknown verb "${printable(verb)}"\n${HELP}\n`);
    return 2;
  }
  try {
    const code = await fn(args, (data, text) => {
      endStatusLines(); // the status line of a terminal goes before the result (statusLine.ts)
      process.stdout.write((args.flags.json ? printableJson(data) : printableLines(text)) + '\n');
    });
    return code === -1 ? undefined : code;
  } catch (err) {
    endStatusLines();
    // The message's line breaks are ours (a foreign value in it is escaped where it is put in: shown, quoteForMessage,
    // JSON.stringify, indentedForeignLines); every other control character is escaped here.
    process.stderr.write(`vmbackup: ${printableLines(mask((err as Error).message ?? String(err)))}\n`);
    return 1;
  }
}
