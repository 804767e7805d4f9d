// The backup verb's flags checked against the platform before any VM is touched: a flag the platform does not take is
// refused naming it and what the platform offers (as the restore flags are, restoreFlags.ts), never silently ignored.
import { Args } from './args';
import { Capabilities } from '../core/model';
import { platformName } from '../providers';
import { formatFlag } from './restoreFlags';

/** The flags each platform's backup reads (commands.ts backupVerb, ovmVerbs.ts ovmBackupOptions). */
const TAKEN: Record<string, string[]> = {
  xen: ['format', 'compress', 'no-preserve-power-state'],
  // vSphere logs that compression does not apply (vmwareProvider.backupVm): said, not silently ignored.
  vmware: ['format', 'compress'],
  oraclevm: ['method', 'stop', 'confirm-hot-clone', 'clone-repository'],
};

/** What each backup flag is for, in the refusal (`--compress: a vmware backup …`). */
const WHAT: Record<string, string> = {
  compress: 'compresses nothing (the files are kept as the platform holds them)',
  'no-preserve-power-state': 'has no suspended-memory choice',
  method: 'has one method (the Oracle VM methods are --method cold-clone|copy-stopped|hot-clone|ova-export)',
  stop: 'does not stop the VM first',
  'confirm-hot-clone': 'has no hot clone to confirm',
  'clone-repository': 'makes no clone',
};

/**
 * One line per backup flag of `a` that `platform` does not take, e.g. `--format ovf: not offered by a backup on
 * Citrix Hypervisor / XCP-ng (its formats: image)` (the platform by its name, platformName); empty when all apply. The formats are Capabilities.backupFormats (absent: image only).
 */
export function unsupportedBackupFlags(a: Args, caps: Capabilities, platform: string): string[] {
  const out: string[] = [];
  const on = `a backup on ${platformName(platform)}`;
  const taken = TAKEN[platform] ?? [];
  const format = formatFlag(a);
  const formats = caps.backupFormats ?? ['image'];
  if (format !== undefined && (!taken.includes('format') || !formats.includes(format)))
    out.push(
      taken.includes('format')
        ? `--format ${format}: not offered by ${on} (its formats: ${formats.join(', ')})`
        : `--format ${format}: ${on} has no format to choose (its form is --method)`,
    );
  for (const flag of Object.keys(WHAT))
    if (a.flags[flag] !== undefined && !taken.includes(flag)) out.push(`--${flag}: ${on} ${WHAT[flag]}`);
  return out;
}
