// vcbRestore (guide P.65–68): to the original place (`-s <dir>`), or elsewhere through an edited copy of the
// backup's catalog (`-a <copy>`): the copy is made in a journalled staging folder (vcbStaging), never the backup's own
// catalog edited.
import { JobContext } from '../../core/job';
import { Journal } from '../../core/journal';
import { VCB_CATALOG } from '../../core/repository';
import { Diagnostic, validate } from '../../formats';
import { VcbHostSession } from './vcbHostSession';
import { VcbRestoreMode } from './vcbRecords';
import { restoreArgs } from './vcbWire';
import { safeName } from '../../core/safeName';
import { STAGING_PREFIX, VcbStaging, beginStaging, endStaging } from './vcbStaging';

/**
 * An editable catalog copy on the VCB host (guide P.66 カタログファイルのコピー: `cp <dir>/catalog /tmp/catalog-vm37`),
 * `catalog-<vm>` inside a staging folder of its own: recorded in the repository's journal (VCB host, owner file)
 * before it is made, so a killed job's copy is found and removed by Clean Up (vcbStaging.settleStaging).
 */
export interface CatalogCopy {
  /** Its path on the VCB host (mode 600), to pass to vcbRestore -a. */
  path: string;
  text: string;
  diagnostics: Diagnostic[];
  /** The staging folder that holds it; `discardCatalogCopy` removes it. */
  staging: VcbStaging;
}

export interface VcbRestoreOptions {
  /** -b (P.68); default prompt. */
  mode?: VcbRestoreMode;
  /** An edited catalog copy (its remote path), for -a. */
  catalog?: string;
  /** Answers the tool's question in `prompt` mode; without it, a question ends the tool (never left hanging). */
  answer?: (question: string) => Promise<string | undefined>;
}

/** Reads `<backupDir>/catalog` on the VCB host (at most 1 MiB). */
export function readHostCatalog(h: VcbHostSession, backupDir: string): Promise<string> {
  return h.ssh.sftp((f) => f.readText(`${backupDir.replace(/\/+$/, '')}/${VCB_CATALOG}`, 1024 * 1024));
}

/**
 * Writes `text` (a backup's catalog) as a new copy `<staging>/catalog-<vm>` (mode 600) in a journalled staging folder
 * (`repository`'s journal names it and the VCB host before it is made) and returns it with the editor's diagnostics.
 * The backup's own catalog is never changed. @throws Error naming connection, host and VM.
 */
export async function makeCatalogCopy(
  h: VcbHostSession,
  text: string,
  repository: string,
  ctx: JobContext,
  vmName = 'vm',
): Promise<CatalogCopy> {
  const staging = await beginStaging(h, new Journal(repository), { name: vmName });
  const path = `${staging.path}/catalog-${safeName(vmName).replace(/[^A-Za-z0-9._-]/g, '_')}`;
  try {
    await h.ssh.sftp((f) => f.writeText(path, text, 0o600));
  } catch (e) {
    await endStaging(h, staging, ctx);
    throw e;
  }
  return { path, text, diagnostics: validate('vcb-catalog', text), staging };
}

/** Removes a catalog copy's staging folder and completes its journal entry (what cannot go: a warning on `ctx`). */
export function discardCatalogCopy(h: VcbHostSession, copy: CatalogCopy, ctx: JobContext): Promise<void> {
  return endStaging(h, copy.staging, ctx);
}

/** Whether `path` has the form of a catalog copy: `<staging root>/vmbackup-stage-<marker>/catalog-<name>`. */
export function isCatalogCopyPath(h: VcbHostSession, path: string): boolean {
  const root = h.stagingRoot().replace(/\/+$/, '') + '/';
  const parts = path.startsWith(root) ? path.slice(root.length).split('/') : [];
  return (
    parts.length === 2 &&
    parts[0].startsWith(STAGING_PREFIX) &&
    /^[A-Za-z0-9_-]+$/.test(parts[0].slice(STAGING_PREFIX.length)) &&
    /^catalog-[A-Za-z0-9._-]+$/.test(parts[1])
  );
}

/**
 * Writes an edited catalog copy back, after validation (src/formats 'vcb-catalog'): errors refuse the write. Only a
 * copy this tool made (catalog-… in a staging folder under the staging root) is written.
 * @throws Error listing the first errors.
 */
export async function saveCatalogCopy(h: VcbHostSession, path: string, text: string): Promise<Diagnostic[]> {
  if (!isCatalogCopyPath(h, path)) throw new Error(`${h.where()}: ${path} is not a catalog copy made by this tool`);
  const diagnostics = validate('vcb-catalog', text);
  const errors = catalogErrors(text, diagnostics);
  if (errors) throw new Error(`${h.where()}: the catalog copy has ${errors}`);
  await h.ssh.sftp((f) => f.writeText(path, text, 0o600));
  return diagnostics;
}

/**
 * The errors the editor's validation (src/formats 'vcb-catalog') finds in a catalog text, as `N error(s): line L: …`
 * (the first three), or undefined when there are none.
 */
export function catalogErrors(text: string, diagnostics = validate('vcb-catalog', text)): string | undefined {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!errors.length) return undefined;
  return `${errors.length} error(s): ${errors
    .slice(0, 3)
    .map((d) => `line ${d.range.start.line + 1}: ${d.message}`)
    .join('; ')}`;
}

/**
 * vcbRestore -s <backupDir> [-a <catalog copy>] -b <mode>. In prompt mode the tool's question goes to `answer`.
 * @throws VcbToolError with the tool's error line (e.g. an abort), UnansweredPromptError, CancelledError.
 */
export async function restoreVm(
  h: VcbHostSession,
  backupDir: string,
  opts: VcbRestoreOptions,
  ctx: JobContext,
  vmName?: string,
): Promise<{ output: string }> {
  const mode = opts.mode ?? 'prompt';
  if (opts.catalog) {
    const text = await h.ssh.sftp((f) => f.readText(opts.catalog!, 1024 * 1024));
    const errors = validate('vcb-catalog', text).filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`${h.where(vmName)}: ${opts.catalog}: ${errors[0].message}`);
  }
  const argv = restoreArgs(backupDir, mode, opts.catalog);
  ctx.log(argv.join(' '));
  const r = await h.run(argv, ctx, vmName, { answer: opts.answer });
  return { output: r.stdout };
}
