// `vmbackup vcb-cleanup [--dry-run]`: vcbCleanup -y on the VCB host, then VCB's own backup snapshots in vSphere.
import { Args } from './args';
import { terminalContext } from './session';
import { withVcb } from './vcbSession';
import { cleanupLine, cleanupSummary } from '../core/cleanupReport';

export async function vcbCleanupVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  return withVcb(a, async (vcb, vmware) => {
    const items = await vcb.cleanup({ dryRun: !!a.flags['dry-run'] }, terminalContext(true));
    out(items, [...items.map(cleanupLine), cleanupSummary(items, vmware.profile.name)].join('\n'));
    return 0;
  });
}
