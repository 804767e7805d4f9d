// `vmbackup vcb-restore <backup dir on the VCB host> [--catalog <edited local copy>] [-b prompt|overwrite|keep|abort]`:
// vcbRestore; with --catalog the local file is validated, written as a copy on the VCB host and passed as -a.
import * as fs from 'node:fs';
import { Args } from './args';
import { terminalContext } from './session';
import { terminalAnswer, withVcb } from './vcbSession';
import { VCB_RESTORE_MODES, VcbRestoreMode } from '../providers/vcb/vcbRecords';

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
  const dir = a.positional[0];
  if (!dir) throw new Error('vcb-restore: name the backup folder on the VCB host');
  const localCatalog = typeof a.flags.catalog === 'string' ? fs.readFileSync(a.flags.catalog, 'utf8') : undefined;
  return withVcb(a, async (vcb) => {
    let catalog: string | undefined;
    if (localCatalog !== undefined) {
      const copy = await vcb.copyCatalog(dir);
      await vcb.saveCatalogCopy(copy.path, localCatalog);
      catalog = copy.path;
    }
    const r = await vcb.restore(dir, { mode, catalog, answer: terminalAnswer }, terminalContext(!!a.flags.json));
    out(
      { dir, catalog, mode, output: r.output },
      `\nvcbRestore -s ${dir}${catalog ? ` -a ${catalog}` : ''} -b ${mode}: done`,
    );
    return 0;
  });
}
