// vcbRestore (guide P.65–68): to the original place (`-s <dir>`), or elsewhere through an edited copy of the
// backup's catalog (`-a <copy>`): the copy is made next to the staging folder, never the backup's own catalog edited.
import { JobContext } from '../../core/job';
import { VCB_CATALOG } from '../../core/repository';
import { Diagnostic, validate } from '../../formats';
import { VcbHostSession } from './vcbHostSession';
import { VcbRestoreMode } from './vcbRecords';
import { restoreArgs } from './vcbWire';
import { safeName } from '../../core/safeName';

/** An editable catalog copy on the VCB host (guide P.66 カタログファイルのコピー: `cp <dir>/catalog /tmp/catalog-vm37`). */
export interface CatalogCopy {
  /** Its path on the VCB host (mode 600), to pass to vcbRestore -a. */
  path: string;
  text: string;
  diagnostics: Diagnostic[];
}

export interface VcbRestoreOptions {
  /** -b (P.68); default prompt. */
  mode?: VcbRestoreMode;
  /** An edited catalog copy (its remote path), for -a. */
  catalog?: string;
  /** Answers the tool's question in `prompt` mode; without it, a question ends the tool (never left hanging). */
  answer?: (question: string) => Promise<string | undefined>;
}

/**
 * Copies `<backupDir>/catalog` to a new file under the staging root (mode 600) and returns it with the editor's
 * diagnostics. The backup's own catalog is never changed.
 */
export async function copyCatalog(h: VcbHostSession, backupDir: string, vmName?: string): Promise<CatalogCopy> {
  const text = await h.ssh.sftp((f) => f.readText(`${backupDir.replace(/\/+$/, '')}/${VCB_CATALOG}`, 1024 * 1024));
  const path = h.stagingPath(`catalog-${safeName(vmName ?? 'vm').replace(/[^A-Za-z0-9._-]/g, '_')}`);
  await h.ssh.sftp((f) => f.writeText(path, text, 0o600));
  return { path, text, diagnostics: validate('vcb-catalog', text) };
}

/**
 * Writes an edited catalog copy back, after validation (src/formats 'vcb-catalog'): errors refuse the write. Only a
 * copy this tool made (under the staging root, named catalog-…) is written.
 * @throws Error listing the first errors.
 */
export async function saveCatalogCopy(h: VcbHostSession, path: string, text: string): Promise<Diagnostic[]> {
  const root = h.stagingRoot().replace(/\/+$/, '') + '/catalog-';
  if (!path.startsWith(root) || path.slice(root.length).includes('/'))
    throw new Error(`${h.where()}: ${path} is not a catalog copy made by this tool`);
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
