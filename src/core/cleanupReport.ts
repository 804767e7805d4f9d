// What a cleanup did (or, in a dry run, would do), one item per object, each with its reason.

/**
 * `deleted` / `would delete` (dry run): the journal names it and the platform confirmed it; `skipped`: ours but not
 * deletable now (busy, in use); `kept`: not proven ours; `offered`: not ours to change unasked, but an operation the
 * user may run is offered (`CleanupItem.offer`, e.g. Consolidate for a vSphere VM that needs consolidation).
 */
export type CleanupAction = 'deleted' | 'would delete' | 'skipped' | 'kept' | 'offered';

export interface CleanupItem {
  action: CleanupAction;
  /** The object, as a user recognises it: `snapshot "name" (uuid)`, `disk uuid`, `file path`. */
  what: string;
  /** Why: the journal entry and the platform's confirmation, or why not. */
  why: string;
  /** With `offered`: the operation offered and the object it applies to (the provider's reference). */
  offer?: { operation: 'consolidate'; vmId: string };
}

export interface CleanupOptions {
  /** The repository whose journal (`<repository>/.vmbackup/journal/`) names what the tool made. */
  repository: string;
  /** List what would be deleted and why, delete nothing. */
  dryRun?: boolean;
}

/** One line per item: `deleted: snapshot "x" (uuid) — journal entry …; the pool confirms …`. */
export function cleanupLine(item: CleanupItem): string {
  return `${item.action}: ${item.what} — ${item.why}`;
}

/** One sentence for a finished cleanup: how many objects were deleted (or would be), skipped, kept. */
export function cleanupSummary(items: CleanupItem[], connection: string): string {
  const n = (a: CleanupItem['action']) => items.filter((i) => i.action === a).length;
  if (!items.length) return `Nothing left behind on "${connection}".`;
  const parts = [
    n('deleted') && `deleted ${n('deleted')}`,
    n('would delete') && `would delete ${n('would delete')}`,
    n('skipped') && `skipped ${n('skipped')} (busy or in use, left for the next cleanup)`,
    n('kept') && `kept ${n('kept')} (not proven ours)`,
    n('offered') && `${n('offered')} offered (nothing done to them unless you run what is offered)`,
  ].filter(Boolean);
  return `Clean up on "${connection}": ${parts.join(', ')}.`;
}
