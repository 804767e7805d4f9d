// `vmbackup vcb-restore <backup dir on the VCB host> [--catalog <edited local copy>] [-b prompt|overwrite|keep|abort]`:
// vcbRestore; with --catalog the local file is validated, written as a copy on the VCB host (in a journalled staging
// folder, removed after) and passed as -a.
// `vmbackup vcb-restore --from-repository <backup> [--catalog FILE] [-b MODE]`: a VCB backup of the repository (its id
// as `vmbackup catalog` shows it, or its folder) uploaded to a staging folder on the VCB host, then vcbRestore.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Args } from './args';
import { terminalContext } from './session';
import { terminalAnswer, vcbRepository, withVcb } from './vcbSession';
import { VCB_RESTORE_MODES, VcbRestoreMode } from '../providers/vcb/vcbRecords';
import { BackupRepository } from '../core/repository';
import { findBackupEntry, typedBackupId } from './backupId';
import { shown } from './printable';

/** `-b <mode>` (the guide's spelling) or `--b <mode>`, default prompt. */
export function restoreMode(a: Args): VcbRestoreMode {
  const i = a.positional.indexOf('-b');
  const value = i >= 0 ? a.positional.splice(i, 2)[1] : typeof a.flags.b === 'string' ? a.flags.b : 'prompt';
  if (!VCB_RESTORE_MODES.includes(value as VcbRestoreMode))
    throw new Error(`-b must be one of ${VCB_RESTORE_MODES.join(', ')}`);
  return value as VcbRestoreMode;
}

export async function vcbRestoreVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const mode = restoreMode(a);
  const fromRepository = typeof a.flags['from-repository'] === 'string' ? a.flags['from-repository'] : undefined;
  const dir = a.positional[0];
  if (!dir && !fromRepository)
    throw new Error('vcb-restore: name the backup folder on the VCB host, or --from-repository <backup>');
  if (dir && fromRepository) throw new Error('vcb-restore: a folder on the VCB host or --from-repository, not both');
  const localCatalog = typeof a.flags.catalog === 'string' ? fs.readFileSync(a.flags.catalog, 'utf8') : undefined;
  const ctx = terminalContext(!!a.flags.json);
  return withVcb(a, async (vcb, vmware) => {
    if (fromRepository) {
      const repository = vcbRepository(a, vmware.profile.name);
      const entry = findBackupEntry(new BackupRepository(repository).list(), fromRepository);
      if (!entry) throw new Error(`no backup "${fromRepository}" in ${repository}`);
      const r = await vcb.restoreFromRepository(
        entry,
        { mode, catalogText: localCatalog, answer: terminalAnswer, repository },
        ctx,
      );
      out(
        { backup: entry.id, staging: r.staging, mode, output: r.output },
        shown`${typedBackupId(entry.id)} uploaded to ${r.staging} and restored with vcbRestore -b ${mode}` +
          (localCatalog !== undefined ? ' (edited catalog as -a)' : '') +
          '; staging folder removed',
      );
      return 0;
    }
    // The edited copy goes to a journalled staging folder on the VCB host (a killed run's is found by vcb-cleanup).
    const copy =
      localCatalog === undefined
        ? undefined
        : await vcb.copyCatalog(dir, vcbRepository(a, vmware.profile.name), ctx, path.basename(dir));
    const catalog = copy?.path;
    let r: { output: string };
    try {
      if (copy) await vcb.saveCatalogCopy(copy.path, localCatalog!);
      r = await vcb.restore(dir, { mode, catalog, answer: terminalAnswer }, ctx);
    } finally {
      if (copy) await vcb.discardCatalogCopy(copy, ctx);
    }
    out(
      { dir, catalog, mode, output: r.output },
      shown`vcbRestore -s ${dir}` + (catalog ? shown` -a ${catalog}` : '') + shown` -b ${mode}: done`,
    );
    return 0;
  });
}
