// The CLI verbs, each a thin call into the provider layer.
import * as path from 'node:path';
import { Args } from './args';
import { connectionProfile, openProvider, terminalContext } from './session';
import { backupVms } from './backupVerb';
import { unsupportedBackupFlags } from './backupFlags';
import { EXIT_WARNINGS } from './exitCodes';
import { BackupRepository, CatalogEntry } from '../core/repository';
import { Provider, operation } from '../core/provider';
import { ContainerInfo, SnapshotInfo, VmInfo } from '../core/model';
import { snapshotOptionRefusal } from '../core/snapshotOptions';
import { labVerb } from './labVerb';
import { cleanupLine, cleanupSummary } from '../core/cleanupReport';
import { validateVerb } from './validateVerb';
import { ovmBackupVerb } from './ovmVerbs';
import { managerBackupVerb, managerBackupsVerb, managerRebuildVerb, managerRestoreVerb } from './managerVerbs';
import { networkRows, storageRows } from './restoreTargetsVerb';
import { formatFlag, networkMapFlags, restoreOptionsFromFlags, unsupportedRestoreFlags } from './restoreFlags';
import { vcbVerbs } from './vcbVerbs';
import { vcbJournalCleanup } from './vcbCleanupVerb';
import { tableLines } from './table';
import { findBackupEntry, typedBackupId } from './backupId';
import { printable, shown } from './printable';
import { platformName } from '../providers';

/** Exit status of a job that succeeded with warnings (something is left for cleanup) — not 0, so scripts notice. */

export type Verb = (args: Args, out: (data: unknown, text: string) => void) => Promise<number>;

const ws = (a: Args) => path.resolve(String(a.flags.workspace ?? process.cwd()));
const conn = (a: Args) => (typeof a.flags.connection === 'string' ? a.flags.connection : undefined);

async function withProvider<T>(a: Args, fn: (p: Provider) => Promise<T>, connection = conn(a)): Promise<T> {
  const p = await openProvider(ws(a), connection);
  try {
    return await fn(p);
  } finally {
    await p.disconnect();
  }
}

async function findVm(p: Provider, nameOrUuid: string): Promise<VmInfo> {
  const vms = await p.listVms();
  const hits = vms.filter((v) => v.uuid === nameOrUuid || v.name === nameOrUuid);
  if (hits.length !== 1)
    throw new Error(
      hits.length
        ? shown`"${nameOrUuid}" names ${hits.length} VMs: use the uuid`
        : shown`no VM "${nameOrUuid}" on connection "${p.profile.name}"`,
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

/**
 * The snapshot of `vm` a name or uuid designates. A name that several snapshots share is refused, listing each one's
 * uuid and time (oldest first) to pick from.
 */
async function findSnapshot(p: Provider, vm: VmInfo, nameOrUuid: string | undefined): Promise<SnapshotInfo> {
  const all = await p.listSnapshots(vm.id);
  const hits = all.some((s) => s.uuid === nameOrUuid)
    ? all.filter((s) => s.uuid === nameOrUuid)
    : all.filter((s) => s.name === nameOrUuid);
  if (hits.length > 1)
    throw new Error(
      shown`"${nameOrUuid}" names ${hits.length} snapshots of ${vm.name}: use the uuid of one of them: ` +
        [...hits]
          .sort((a, b) => a.time.getTime() - b.time.getTime())
          .map((s) => `${s.uuid} (taken ${s.time.toISOString()}${s.isCurrent ? ', you are here' : ''})`)
          .join(', '),
    );
  if (!hits.length) throw new Error(shown`no snapshot "${nameOrUuid ?? ''}" of ${vm.name}`);
  return hits[0];
}

/** A VM of the inventory with where it sits: the top container, its host, every container above it (names). */
interface LsRow extends VmInfo {
  pool?: string;
  host?: string;
  path: string[];
}

/** Walks Provider.listChildren from the top: one text line per container and VM (indented), one row per VM (once). */
async function walkInventory(p: Provider): Promise<{ rows: LsRow[]; lines: string[] }> {
  const rows: LsRow[] = [];
  const lines: string[] = [];
  const seen = new Set<string>();
  const walk = async (parent: ContainerInfo | undefined, path: ContainerInfo[]): Promise<void> => {
    const indent = '  '.repeat(path.length);
    for (const item of await p.listChildren(parent && { kind: parent.kind, id: parent.id })) {
      if (item.type === 'container') {
        lines.push(indent + shown`${item.kind} ${item.name}` + (item.detail ? shown` (${item.detail})` : ''));
        await walk(item, [...path, item]);
      } else if (!seen.has(item.vm.id)) {
        seen.add(item.vm.id);
        const host = [...path].reverse().find((c) => c.isHost);
        rows.push({ pool: path[0]?.name, host: host?.name, path: path.map((c) => c.name), ...item.vm });
        lines.push(indent + shown`${item.vm.name}  ${item.vm.powerState}  ${item.vm.uuid}`);
      }
    }
  };
  await walk(undefined, []);
  return { rows, lines };
}

function findBackup(a: Args, id: string): CatalogEntry {
  const repo = repoFor(a);
  const entry = findBackupEntry(new BackupRepository(repo).list(), id);
  if (!entry) throw new Error(shown`no backup "${id}" in ${repo}`);
  return entry;
}

/** `backup <vm>…`: one job per VM, at most the connection's concurrencyPerHost at once on each host. */
const backupVerb: Verb = (a, out) =>
  withProvider(a, async (p) => {
    const vms = [];
    for (const name of a.positional) vms.push(await findVm(p, name));
    if (!vms.length) throw new Error('backup: name at least one VM');
    const refused = unsupportedBackupFlags(a, p.capabilities, p.platform);
    if (refused.length)
      throw new Error(
        [shown`backup on connection "${p.profile.name}":`, ...refused.map((r) => shown`  ${r}`)].join('\n'),
      );
    if (p.platform === 'oraclevm') return ovmBackupVerb(a, p, vms, repoFor(a), out);
    return backupVms(
      p,
      vms,
      {
        repository: repoFor(a),
        compress: a.flags.compress === 'zstd' ? 'zstd' : !!a.flags.compress,
        preservePowerState: !a.flags['no-preserve-power-state'],
        format: formatFlag(a),
      },
      !!a.flags.json,
      out,
    );
  });

export const verbs: Record<string, Verb> = {
  ...vcbVerbs,
  lab: labVerb,
  validate: validateVerb,
  ls: (a, out) =>
    withProvider(a, async (p) => {
      const { rows, lines } = await walkInventory(p);
      out(rows, lines.join('\n'));
      return 0;
    }),
  /** `snapshot <vm> [--name N] [--memory] [--quiesce]`: the options only where they apply (snapshotOptions.ts). */
  snapshot: (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      for (const o of ['memory', 'quiesce'] as const) {
        const why = a.flags[o] ? snapshotOptionRefusal(o, vm, p.capabilities, p.profile.platform) : undefined;
        if (why) throw new Error(shown`--${o} does not apply to ${vm.name} on connection "${p.profile.name}": ${why}`);
      }
      const s = await operation(p, 'snapshot')(
        vm.id,
        {
          name: String(a.flags.name ?? `${vm.name} ${new Date().toISOString()}`),
          memory: !!a.flags.memory,
          quiesce: !!a.flags.quiesce,
        },
        terminalContext(!!a.flags.json, vm.name),
      );
      out(s, shown`snapshot ${s.name} (${s.uuid}) of ${vm.name}`);
      return 0;
    }),
  revert: (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      const snap = await findSnapshot(p, vm, a.positional[1]);
      await operation(p, 'revert')(snap.id, terminalContext(!!a.flags.json, vm.name));
      // xapi_vm_snapshot.ml `revert`: the VM takes the snapshot's power state; a disk-only one is Halted.
      const halted = vm.powerState === 'running' && snap.withMemory === false;
      out(
        { vm: vm.uuid, snapshot: snap.uuid, halted },
        shown`${vm.name} reverted to ${snap.name}` +
          (halted ? '; it is halted now (the snapshot holds no memory): start it again' : ''),
      );
      return 0;
    }),
  /** `snapshot-delete <vm> <snapshot> [--children]`. */
  'snapshot-delete': (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      const snap = await findSnapshot(p, vm, a.positional[1]);
      const withChildren = !!a.flags.children;
      if (withChildren && !p.capabilities.snapshots?.deleteWithChildren)
        throw new Error(`--children: deleting a snapshot with its children is not offered on "${p.profile.name}"`);
      await operation(p, 'deleteSnapshot')(snap.id, terminalContext(!!a.flags.json, vm.name), { withChildren });
      out(
        { vm: vm.uuid, snapshot: snap.uuid, withChildren },
        shown`snapshot ${snap.name}` + (withChildren ? ' and its children' : '') + shown` of ${vm.name} deleted`,
      );
      return 0;
    }),
  'snapshot-delete-all': (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      await operation(p, 'removeAllSnapshots')(vm.id, terminalContext(!!a.flags.json, vm.name));
      out({ vm: vm.uuid }, shown`every snapshot of ${vm.name} deleted`);
      return 0;
    }),
  /** `snapshot-rename <vm> <snapshot> --name N`. */
  'snapshot-rename': (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      const snap = await findSnapshot(p, vm, a.positional[1]);
      const name = typeof a.flags.name === 'string' ? a.flags.name.trim() : '';
      if (!name) throw new Error('snapshot-rename: give the new name with --name');
      await operation(p, 'renameSnapshot')(snap.id, name, terminalContext(!!a.flags.json, vm.name));
      out({ vm: vm.uuid, snapshot: snap.uuid, name }, shown`snapshot ${snap.name} of ${vm.name} renamed to ${name}`);
      return 0;
    }),
  consolidate: (a, out) =>
    withProvider(a, async (p) => {
      const vm = await findVm(p, a.positional[0]);
      await operation(p, 'consolidate')(vm.id, terminalContext(!!a.flags.json, vm.name));
      out({ vm: vm.uuid }, shown`disks of ${vm.name} consolidated`);
      return 0;
    }),
  backup: backupVerb,
  cleanup: (a, out) =>
    withProvider(a, async (p) => {
      const items = await p.cleanup({ repository: repoFor(a), dryRun: !!a.flags['dry-run'] }, terminalContext(true));
      // A VMware connection's VCB hosts: staging folders killed vcb-* jobs left (journal + host confirmation).
      if (p.profile.platform === 'vmware')
        items.push(...(await vcbJournalCleanup(a, p.profile, repoFor(a), !!a.flags['dry-run'])));
      out(items, [...items.map(cleanupLine), cleanupSummary(items, p.profile.name)].map(printable).join('\n'));
      return items.some((i) => i.action === 'skipped') ? EXIT_WARNINGS : 0;
    }),
  /**
   * `restore <backup>`: the flags as one RestoreOptions for every platform (restoreFlags.ts); a flag the target
   * platform does not take is refused before anything is contacted.
   */
  restore: (a, out) => {
    const entry = findBackup(a, a.positional[0]);
    const opts = restoreOptionsFromFlags(a);
    // Replacing the original destroys its record: only with an explicit confirmation.
    if (opts.mode === 'replace' && !a.flags.yes) {
      throw new Error(
        shown`--replace-original replaces the VM "${entry.vmName ?? entry.label}" (it must be halted) with the backup, keeping its uuid and MAC addresses: add --yes to confirm`,
      );
    }
    // --to: the connection (pool) to restore to; the backup is still looked up with --connection / --repository.
    const target = typeof a.flags.to === 'string' ? a.flags.to : conn(a);
    return withProvider(
      a,
      async (p) => {
        const wrong = unsupportedRestoreFlags(opts, p.capabilities, p.platform);
        if (wrong.length) throw new Error(shown`restore to "${p.profile.name}": ` + wrong.join('; '));
        const vm = await operation(p, 'restoreVm')(
          entry,
          opts,
          terminalContext(!!a.flags.json, entry.vmName ?? entry.label),
        );
        out(vm, shown`restored ${entry.label} to "${p.profile.name}" as ${vm.name} (${vm.uuid}), ${vm.powerState}`);
        return 0;
      },
      target,
    );
  },
  storage: (a, out) =>
    withProvider(
      a,
      async (p) => {
        const backup = typeof a.flags.backup === 'string' ? findBackup(a, a.flags.backup) : undefined;
        const { rows, lines } = await storageRows(p, backup);
        out(rows, lines.map(printable).join('\n'));
        return 0;
      },
      typeof a.flags.to === 'string' ? a.flags.to : conn(a),
    ),
  networks: (a, out) =>
    withProvider(
      a,
      async (p) => {
        const backup = typeof a.flags.backup === 'string' ? findBackup(a, a.flags.backup) : undefined;
        const r = await networkRows(p, backup, networkMapFlags(a));
        out(r.vifs ? { networks: r.rows, vifs: r.vifs } : r.rows, r.lines.map(printable).join('\n'));
        return 0;
      },
      typeof a.flags.to === 'string' ? a.flags.to : conn(a),
    ),
  /** The pool database, where the platform declares one (Xen): of the connection's only (or first) pool. */
  'backup-pool': (a, out) =>
    withProvider(a, async (p) => {
      const kind = p.capabilities.metadataBackups.find((k) => k.kind === 'pool-metadata');
      if (!kind)
        throw new Error(
          `connection "${p.profile.name}": a pool database backup is not offered on ${platformName(p.platform)}`,
        );
      const pool = (await p.listChildren()).find(
        (c): c is ContainerInfo => c.type === 'container' && c.kind === kind.of,
      );
      if (!pool) throw new Error(`connection "${p.profile.name}": no ${kind.of} to back up`);
      const e = await operation(p, 'backupMetadata')(
        kind.kind,
        pool.id,
        { repository: repoFor(a) },
        terminalContext(!!a.flags.json, pool.name),
      );
      out(e, shown`${kind.label} saved to ${e.dir}`);
      return 0;
    }),
  catalog: async (a, out) => {
    const list = new BackupRepository(repoFor(a)).list();
    out(
      list.map(({ manifest: _m, ...e }) => e),
      tableLines(list.map((e) => [typedBackupId(e.id), e.kind, e.label, e.created?.toISOString()])).join('\n'),
    );
    return 0;
  },
  'manager-backups': (a, out) => managerBackupsVerb(a, out, ws(a)),
  'manager-backup': (a, out) => managerBackupVerb(a, out, ws(a)),
  'manager-restore': (a, out) => managerRestoreVerb(a, out, ws(a)),
  'manager-rebuild': (a, out) => managerRebuildVerb(a, out, ws(a)),
  verify: async (a, out) => {
    const entry = findBackup(a, a.positional[0]);
    const r = await new BackupRepository(repoFor(a)).verify(entry);
    const id = typedBackupId(entry.id);
    out(r, r.ok ? shown`${id}: OK` : shown`${id}: ${r.problems.join('; ')}`);
    return r.ok ? 0 : 1;
  },
};
