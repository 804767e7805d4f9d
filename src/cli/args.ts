// Minimal argv parsing: positionals plus --flag / --flag=value / --flag value.
export interface Args { positional: string[]; flags: Record<string, string | true> }

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const [k, v] = a.slice(2).split(/=(.*)/s, 2);
    if (v !== undefined) flags[k] = v;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && !BOOLEAN.has(k)) flags[k] = argv[++i];
    else flags[k] = true;
  }
  return { positional, flags };
}

const BOOLEAN = new Set(['json', 'live', 'preserve-macs', 'compress', 'dry-run', 'yes', 'help', 'dense']);
