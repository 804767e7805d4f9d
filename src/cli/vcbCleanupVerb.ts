// `vmbackup vcb-cleanup [--dry-run]`: vcbCleanup -y on the VCB host, VCB's own backup snapshots in vSphere, then the
// staging folders killed vcb-* jobs left on that host (those the repository's journal names and the host confirms).
// The generic `vmbackup cleanup` of a VMware connection runs the journal part too (vcbJournalCleanup).
import { Args } from './args';
import { EXIT_WARNINGS } from './exitCodes';
import { terminalContext } from './session';
import { vcbRepository, withVcb } from './vcbSession';
import { printable } from './printable';
import { CleanupItem, cleanupLine, cleanupSummary } from '../core/cleanupReport';
import { Journal } from '../core/journal';
import { ConnectionProfile } from '../core/model';

export async function vcbCleanupVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  return withVcb(a, async (vcb, vmware) => {
    const repository = vcbRepository(a, vmware.profile.name);
    const items = await vcb.cleanup({ dryRun: !!a.flags['dry-run'], repository }, terminalContext(true));
    out(items, [...items.map(cleanupLine), cleanupSummary(items, vmware.profile.name)].map(printable).join('\n'));
    return items.some((i) => i.action === 'skipped') ? EXIT_WARNINGS : 0;
  });
}

/**
 * For the generic cleanup of a VMware connection: the VCB journal entries of `repository` settled on each VCB host they
 * name (entries killed before they named one: on the first VCB host); an SSH session is opened only when there are
 * such entries. Hosts the profile no longer has: `skipped`.
 */
export async function vcbJournalCleanup(
  a: Args,
  profile: ConnectionProfile,
  repository: string,
  dryRun: boolean,
): Promise<CleanupItem[]> {
  const first = profile.vcbHosts?.[0];
  const hosts = new Set(
    new Journal(repository)
      .list()
      .entries.filter((e) => e.platform === 'vcb' && e.connection === profile.name)
      .map((e) => e.remoteHost ?? (first ? `${first.host}:${first.port ?? 22}` : 'no VCB host')),
  );
  const items: CleanupItem[] = [];
  for (const key of hosts) {
    if (!(profile.vcbHosts ?? []).some((h) => `${h.host}:${h.port ?? 22}` === key)) {
      items.push({
        action: 'skipped',
        what: `staging folders on ${key}`,
        why: `the journal names them, but connection "${profile.name}" has no such VCB host (any more)`,
      });
      continue;
    }
    const flags = { ...a.flags, 'vcb-host': key };
    items.push(...(await withVcb({ ...a, flags }, (vcb) => vcb.cleanupJournal(repository, dryRun, true))));
  }
  return items;
}
