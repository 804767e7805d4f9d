// A backup repository: one directory per backup, native files + manifest.json. The catalog is rebuilt from disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureRepositoryRoot } from './repositoryRoot';
import { Manifest, MANIFEST, isManifest, BackupKind } from './manifest';
import { parse } from '../formats/parse';
import { vmNameOfVmx } from '../formats/vmxName';
import { safeName, within } from './safeName';
import { sha256File } from './verifiedWrite';
import { storedContentCheck } from './storedContentCheck';

export interface CatalogEntry {
  id: string; // directory or file path relative to the repository
  dir: string; // absolute directory holding the files
  /** 'foreign': a bare file made by another tool; 'vcb': a vcbMounter -t fullvm export directory (catalog + .vmx/.vmdk). */
  kind: BackupKind | 'foreign' | 'vcb';
  label: string;
  vmName?: string;
  vmUuid?: string;
  connection?: string;
  created?: Date;
  files: Array<{ name: string; bytes: number; sha256?: string }>;
  manifest?: Manifest;
  /** The VCB catalog file of a 'vcb' entry. */
  catalogFile?: string;
}

/**
 * The sha256 (hex) the backup's manifest records for its file `name` (a name in the backup folder; a path is read by
 * its last segment), or undefined when the manifest has none (a foreign file, a VCB export): what a restore checks the
 * file against as it sends it.
 */
export function recordedSha256(entry: CatalogEntry, name: string): string | undefined {
  const base = path.basename(name);
  return entry.files.find((f) => path.basename(f.name) === base)?.sha256;
}

/** Name of the file vcbMounter -t fullvm writes into each backup directory (read by vcbRestore). */
export const VCB_CATALOG = 'catalog';

/** mkdir of the final name only: true when this call made it, false when it already existed. */
function makeOwnDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
}

export class BackupRepository {
  constructor(readonly root: string) {}

  /**
   * Creates a fresh directory for a new backup: <root>/<vm or pool>/<timestamp>-<kind>[-N]. The final name is made
   * with a non-recursive mkdir, so two jobs (or processes) never get the same folder: EEXIST moves on to the next suffix.
   */
  newBackupDir(owner: string, kind: BackupKind, when = new Date()): string {
    for (const dir of this.backupDirNames(owner, kind, when)) if (makeOwnDir(dir)) return dir;
    throw new Error('unreachable');
  }

  /** As newBackupDir, with `reserve(dir)` awaited before each attempt (the journal records the folder before it exists). */
  async reserveBackupDir(
    owner: string,
    kind: BackupKind,
    reserve: (dir: string) => Promise<void>,
    when = new Date(),
  ): Promise<string> {
    for (const dir of this.backupDirNames(owner, kind, when)) {
      await reserve(dir);
      if (makeOwnDir(dir)) return dir;
    }
    throw new Error('unreachable');
  }

  private *backupDirNames(owner: string, kind: BackupKind, when: Date): Generator<string> {
    const stamp = when.toISOString().replace(/[:.]/g, '').replace('T', '-').slice(0, 17);
    const base = within(this.root, safeName(owner));
    ensureRepositoryRoot(this.root);
    fs.mkdirSync(base, { recursive: true });
    yield path.join(base, `${stamp}-${kind}`);
    for (let i = 2; i < 10_000; i++) yield path.join(base, `${stamp}-${kind}-${i}`);
    throw new Error(`${base}: no free backup folder name for ${stamp}-${kind}`);
  }

  writeManifest(dir: string, manifest: Manifest): void {
    const file = path.join(dir, MANIFEST);
    fs.writeFileSync(file + '.part', JSON.stringify(manifest, null, 2));
    fs.renameSync(file + '.part', file);
  }

  /** Every backup in the repository, ours (manifest.json) or foreign (bare .xva, pool dumps). Newest first. */
  list(): CatalogEntry[] {
    if (!fs.existsSync(this.root)) return [];
    const out: CatalogEntry[] = [];
    this.walk(this.root, 0, out);
    return out.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  }

  async verify(entry: CatalogEntry, signal?: AbortSignal): Promise<VerifyResult> {
    const problems: string[] = [];
    if (!entry.manifest) return { ok: false, problems: ['no manifest.json: nothing to verify against'] };
    for (const f of entry.manifest.files) {
      const p = within(entry.dir, f.name);
      if (!fs.existsSync(p)) {
        problems.push(`${f.name}: missing`);
        continue;
      }
      const size = fs.statSync(p).size;
      if (size !== f.bytes) problems.push(`${f.name}: ${size} bytes, manifest says ${f.bytes}`);
      else {
        // One read: the hash against the manifest, and the file's own structure (an XVA's tar, chunk checksums, gzip CRC).
        const { sha256, problem } = await sha256File(p, signal, await storedContentCheck(p, f.name));
        if (sha256 !== f.sha256) problems.push(`${f.name}: sha256 differs from manifest`);
        if (problem) problems.push(`${f.name}: ${problem.message}`);
      }
    }
    return { ok: problems.length === 0, problems };
  }

  private walk(dir: string, depth: number, out: CatalogEntry[]): void {
    if (depth > 3) return;
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const manifestEntry = names.find((d) => d.isFile() && d.name === MANIFEST);
    if (manifestEntry) {
      const entry = this.entry(dir);
      if (entry) {
        out.push(entry);
        return;
      }
    }
    const vcb = this.vcbEntry(dir, names);
    if (vcb) {
      out.push(vcb);
      return;
    }
    for (const d of names) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) this.walk(full, depth + 1, out);
      else if (d.isFile() && !d.name.endsWith('.part')) {
        const foreign = this.foreignFile(full, d.name);
        if (foreign) out.push(foreign);
      }
    }
  }

  /** The catalog entry of one backup directory, read from its manifest.json (undefined when it has none). */
  entry(dir: string): CatalogEntry | undefined {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
      if (!isManifest(m)) return undefined;
      const vm = m.source.vm;
      return {
        id: path.relative(this.root, dir),
        dir,
        kind: m.kind,
        manifest: m,
        label: vm ? vm.name : m.source.pool?.name || m.source.host?.name || m.source.connection,
        vmName: vm?.name,
        vmUuid: vm?.uuid,
        connection: m.source.connection,
        created: new Date(m.created),
        files: m.files,
      };
    } catch {
      return undefined;
    }
  }

  /** A VCB full-VM export: a catalog file next to the .vmx / .vmdk files vcbMounter wrote. Labelled with the VM name of config.vmx. */
  private vcbEntry(dir: string, names: fs.Dirent[]): CatalogEntry | undefined {
    const files = names.filter((d) => d.isFile());
    const catalog = files.find((d) => d.name === VCB_CATALOG);
    if (!catalog || !files.some((d) => /\.(vmx|vmdk)$/i.test(d.name))) return undefined;
    const catalogFile = path.join(dir, catalog.name);
    let vmxName: string | undefined;
    try {
      const vmx = parse('vcb-catalog', fs.readFileSync(catalogFile, 'utf8').slice(0, 1_000_000))
        .entries.filter((e) => e.key === 'config.vmx')
        .pop();
      vmxName = vmx ? vmNameOfVmx(vmx.value) : undefined;
    } catch {
      /* unreadable catalog: fall back to the file names */
    }
    const vmName =
      vmxName ?? files.find((d) => /\.vmx$/i.test(d.name))?.name.replace(/\.vmx$/i, '') ?? path.basename(dir);
    const sized = files.map((d) => {
      try {
        return { name: d.name, bytes: fs.statSync(path.join(dir, d.name)).size };
      } catch {
        return { name: d.name, bytes: 0 };
      }
    });
    let created: Date | undefined;
    try {
      created = fs.statSync(catalogFile).mtime;
    } catch {
      /* gone meanwhile */
    }
    return {
      id: path.relative(this.root, dir),
      dir,
      kind: 'vcb',
      label: vmName,
      vmName,
      created,
      files: sized,
      catalogFile,
    };
  }

  private foreignFile(full: string, name: string): CatalogEntry | undefined {
    const lower = name.toLowerCase();
    const kind = lower.endsWith('.xva')
      ? 'vm'
      : /xmldbdump|pool-database|pool-dump/.test(lower)
        ? 'pool-metadata'
        : undefined;
    if (!kind) return undefined;
    const st = fs.statSync(full);
    return {
      id: path.relative(this.root, full),
      dir: path.dirname(full),
      kind: 'foreign',
      label: name,
      vmName: kind === 'vm' ? name.replace(/\.xva$/i, '') : undefined,
      created: st.mtime,
      files: [{ name, bytes: st.size }],
    };
  }
}
