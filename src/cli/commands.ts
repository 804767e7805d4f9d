// The CLI verbs, each a thin call into the provider layer.
import * as path from 'node:path';
import { Args } from './args';
import { connectionProfile, openProvider, terminalContext } from './session';
import { backupVms } from './backupVerb';
import { EXIT_WARNINGS } from './exitCodes';
import { BackupRepository, CatalogEntry } from '../core/repository';
import { Provider } from '../core/provider';
import { VmInfo } from '../core/model';
import { labVerb } from './labVerb';
import { cleanupLine, cleanupSummary } from '../core/cleanupReport';
import { validateVerb } from './validateVerb';

/** Exit status of a job that succeeded with warnings (something is left for cleanup) — not 0, so scripts notice. */

export type Verb = (args: Args, out: (data: unknown, text: string) => void) => Promise<number>;

const ws = (a: Args) => path.resolve(String(a.flags.workspace ?? process.cwd()));
const conn = (a: Args) => (typeof a.flags.connection === 'string' ? a.flags.connection : undefined);

async function withProvider<T>(a: Args, fn: (p: Provider) => Promise<T>): Promise<T> {
  const p = await openProvider(ws(a), conn(a));
  try {
    return await fn(p);
  } finally {
    await p.disconnect();
  }
}

async function findVm(p: Provider, nameOrUuid: string): Promise<VmInfo> {
  const vms = await p.listVms({});
  const hits = vms.filter((v) => v.uuid === nameOrUuid || v.name === nameOrUuid);
  if (hits.length !== 1)
    throw new Error(
      hits.length
        ? `"${nameOrUuid}" names ${hits.length} VMs: use the uuid`
        : `no VM "${nameOrUuid}" on connection "${p.profile.name}"`,
    );
  return hits[0];
}

/**
 * The repository a verb works in: --repository, else the connection's `repository:` (as the extension does), else
 * `backups` — for every verb, also those that need no connection to the host (catalog, verify).
 */
function repoFor(a: Args): string {
  let r: string | true | undefined = a.flags.repository;
  if (r === undefined) {
    try {
      r = connectionProfile(ws(a), conn(a)).repository;
    } catch {
      /* no connections file: the default */
    }
  }
  return path.resolve(ws(a), String(r ?? 'backups'));
}

function findBackup(a: Args, id: string): CatalogEntry {
  const repo = repoFor(a);
  const entry = new BackupRepository(repo).list().find((e) => e.id === id || e.dir === path.resolve(id));
  if (!entry) throw new Error(`no backup "${id}" in ${repo}`);
  return entry;
}

/** `backup <vm>…`: one job per VM, at most the connection's concurrencyPerHost at once on each host. */
const backupVerb: Verb = (a, out) =>
  withProvider(a, async (p) => {
    const vms = [];
    for (const name of a.positional) vms.push(await findVm(p, name));
    if (!vms.length) throw new Error('backup: name at least one VM');
    return backupVms(
      p,
      vms,
      {
        repository: repoFor(a),
        compress: a.flags.compress === 'zstd' ? 'zstd' : !!a.flags.compress,
        preservePowerState: !a.flags['no-preserve-power-state'],
      },
      !!a.flags.json,
      out,
    );
  });

export const verbs: Record<string, Verb> = {
  lab: labVerb,
  validate: validateVerb,
  ls: (a, out) =>
    withProvider(a, async (p) => {
      const pools = await p.listPools();
      const rows: unknown[] = [];
      const lines: string[] = [];
      for (const pool of pools) {
        lines.push(`pool ${pool.name}`);
        for (const h of await p.listHosts(pool.id)) {
          lines.push(`  host ${h.name} (${h.address})`);
          for (const v of await p.listVms({ hostId: h.id })) {
            rows.push({ pool: pool.name, host: h.name, ...v });
            lines.push(`    ${v.name}  ${v.powerState}  ${v.uuid}`);
          }
        }
        for (const v of (await p.listVms({ poolId: pool.id })).filter((v) => !v.hostId)) {
          rows.push({ pool: pool.name, ...v });
          lines.push(`  ${v.name}  ${v.powerState}  ${v.uuid}`);
        }
      }
      out(rows, lines.join('\n'));
      return 0;
    }),
  snapshot: (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      const s = await p.snapshot(
        vm.id,
        { name: String(a.flags.name ?? `${vm.name} ${new Date().toISOString()}`) },
        terminalContext(!!a.flags.json),
      );
      out(s, `snapshot ${s.name} (${s.uuid}) of ${vm.name}`);
      return 0;
    }),
  revert: (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      const snap = (await p.listSnapshots(vm.id)).find((s) => s.uuid === a.positional[1] || s.name === a.positional[1]);
      if (!snap) throw new Error(`no snapshot "${a.positional[1]}" of ${vm.name}`);
      await p.revert(snap.id, terminalContext(!!a.flags.json));
      out({ vm: vm.uuid, snapshot: snap.uuid }, `${vm.name} reverted to ${snap.name}`);
      return 0;
    }),
  backup: backupVerb,
  cleanup: (a, out) =>
    withProvider(a, async (p) => {
      const items = await p.cleanup({ repository: repoFor(a), dryRun: !!a.flags['dry-run'] }, terminalContext(true));
      out(items, [...items.map(cleanupLine), cleanupSummary(items, p.profile.name)].join('\n'));
      return items.some((i) => i.action === 'skipped') ? EXIT_WARNINGS : 0;
    }),
  restore: (a, out) => {
    const entry = findBackup(a, a.positional[0]);
    const replaceOriginal = !!a.flags['replace-original'];
    // Replacing the original destroys its record: only with an explicit confirmation.
    if (replaceOriginal && !a.flags.yes) {
      throw new Error(
        `--replace-original replaces the VM "${entry.vmName ?? entry.label}" (it must be halted) with the backup, keeping its uuid and MAC addresses: add --yes to confirm`,
      );
    }
    return withProvider(a, async (p) => {
      const vm = await p.restoreVm(
        entry,
        {
          name: typeof a.flags.name === 'string' ? a.flags.name : undefined,
          storageId: typeof a.flags.sr === 'string' ? a.flags.sr : undefined,
          preserveMacs: !!a.flags['preserve-macs'],
          replaceOriginal,
        },
        terminalContext(!!a.flags.json),
      );
      out(vm, `\nrestored ${entry.label} as ${vm.name} (${vm.uuid}), ${vm.powerState}`);
      return 0;
    });
  },
  'backup-pool': (a, out) =>
    withProvider(a, async (p) => {
      const e = await p.backupPoolMetadata({ repository: repoFor(a) }, terminalContext(!!a.flags.json));
      out(e, `\npool database saved to ${e.dir}`);
      return 0;
    }),
  catalog: async (a, out) => {
    const list = new BackupRepository(repoFor(a)).list();
    out(
      list.map(({ manifest: _m, ...e }) => e),
      list.map((e) => `${e.id}  ${e.kind}  ${e.label}  ${e.created?.toISOString() ?? ''}`).join('\n'),
    );
    return 0;
  },
  verify: async (a, out) => {
    const entry = findBackup(a, a.positional[0]);
    const r = await new BackupRepository(repoFor(a)).verify(entry);
    out(r, r.ok ? `${entry.id}: OK` : `${entry.id}: ${r.problems.join('; ')}`);
    return r.ok ? 0 : 1;
  },
};
