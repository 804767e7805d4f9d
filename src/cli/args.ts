// Minimal argv parsing: positionals plus --flag / --flag=value / --flag value.
export interface Args {
  positional: string[];
  /** Each flag's last value (`true` for a flag without one). */
  flags: Record<string, string | true>;
  /** Every value a flag was given, in order (for a repeatable flag such as `--network nic=net`). */
  repeated: Record<string, string[]>;
}

/** Flags that never take a value. */
export const BOOLEAN = new Set([
  'json',
  'preserve-macs',
  'replace-original',
  'no-preserve-power-state',
  'compress',
  'dry-run',
  'yes',
  'help',
  'dense',
  'no-vcb',
  'no-ovm',
  'memory',
  'quiesce',
  'children',
  'stop',
  'confirm-hot-clone',
  'resume',
  'abandon',
  'latest',
  'run-backup',
  'weblogic-ldap',
  'skip-version-checks',
  'power-on',
  'start',
  'keep-macs',
]);
/**
 * Flags that always take a value: the next argument is the value even when it starts with `--` (a VM or snapshot
 * may be called "--x"; `--name=--x` says the same).
 */
export const VALUED = new Set([
  'name',
  'sr',
  'connection',
  'workspace',
  'repository',
  'language',
  'encoding',
  'port',
  'hosts',
  'vms',
  'disk-mib',
  'method',
  'clone-repository',
  'pool',
  'networks',
  'db',
  'uuid',
  'from',
  'datastore',
  'host',
  'cluster',
  'resource-pool',
  'folder',
  'storage',
  'server-pool',
  'network',
  'to',
  'backup',
  'catalog',
  'vcb-host',
  'from-repository',
  'b',
]);

/**
 * `--flag=value` always; `--flag value` for a VALUED flag whatever the value looks like, and for an unknown flag when
 * the value does not start with `--`; a BOOLEAN flag never takes the next argument. A VALUED flag at the end of the
 * line is an error (it would otherwise silently become `true`).
 */
export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const repeated: Record<string, string[]> = {};
  const set = (k: string, v: string) => {
    flags[k] = v;
    (repeated[k] ??= []).push(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [k, v] = a.slice(2).split(/=(.*)/s, 2);
    if (v !== undefined) set(k, v);
    else if (VALUED.has(k)) {
      if (argv[i + 1] === undefined) throw new Error(`--${k} needs a value`);
      set(k, argv[++i]);
    } else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && !BOOLEAN.has(k)) set(k, argv[++i]);
    else flags[k] = true;
  }
  return { positional, flags, repeated };
}
