// backuptools.conf on the VCB host: found, read over SFTP, validated with the editor's own rules, and its mode checked.
import { validate } from '../../formats';
import { SftpFiles } from '../../transport/sftpFiles';
import { VcbConfigFile } from './vcbRecords';
import { readSettings } from './vcbWire';

/** The guide's place (P.58 「/etc/vmware/backuptools.conf」), then /etc/backuptools.conf (issue #14). */
export const DEFAULT_CONFIG_PATHS = ['/etc/vmware/backuptools.conf', '/etc/backuptools.conf'];

/**
 * Reads the first of `paths` that exists (at most 1 MiB). `diagnostics` are those the editor shows (src/formats
 * validate 'backuptools-conf'). @throws Error naming the host when none exists.
 */
export async function readVcbConfig(files: SftpFiles, paths: readonly string[], where: string): Promise<VcbConfigFile> {
  for (const p of paths) {
    const st = await files.stat(p);
    if (!st || st.isDirectory) continue;
    const text = await files.readText(p, 1024 * 1024);
    return {
      path: p,
      text,
      mode: st.mode,
      settings: readSettings(text),
      diagnostics: validate('backuptools-conf', text),
    };
  }
  throw new Error(
    `${where}: no backuptools.conf (looked at ${paths.join(', ')}): the VCB tools need VCHOST and USERNAME there`,
  );
}

/**
 * The guide's warning (P.58 PASSWORD 注意): a password in the file is a risk unless only the administrator can read it.
 * A file holding PASSWORD must be mode 600 (no group or other bits); else the product refuses to run the tools.
 * @throws Error saying what to run (chmod 600) when it is readable by others.
 */
export function checkPasswordFileMode(conf: VcbConfigFile, where: string): void {
  if (conf.settings.hasPassword && (conf.mode & 0o077) !== 0)
    throw new Error(
      `${where}: ${conf.path} holds PASSWORD but its mode is ${conf.mode.toString(8).padStart(4, '0')}: run chmod 600 ${conf.path} (root-only), or remove PASSWORD and let the tools prompt`,
    );
}
