// A job's own temporary objects, removed after it: one short line each, not Clean Up's long why (issue #16: a normal
// backup printed three "deleted: … — journal entry …; the pool confirms …" lines per VM, read as an incident).
import { strict as assert } from 'node:assert';
import { settleOwnEntry } from '../../../src/core/journalSweep';
import { Journal, JournalEntry } from '../../../src/core/journal';
import { JobContext } from '../../../src/core/job';

describe('settleOwnEntry: what a finished job removes of its own', () => {
  it('logs "removed <what>" per deleted object, warns for one left, and releases the entry', async () => {
    const released: unknown[] = [];
    const journal = { release: (e: unknown) => released.push(e) } as unknown as Journal;
    const entry = { id: 'e1' } as unknown as JournalEntry;
    const logs: string[] = [];
    const warnings: string[] = [];
    const ctx = {
      signal: new AbortController().signal,
      progress: () => undefined,
      log: (l: string) => logs.push(l),
      warn: (l: string) => warnings.push(l),
    } as unknown as JobContext;
    await settleOwnEntry(journal, entry, ctx, async () => [
      {
        action: 'deleted',
        what: 'snapshot "vmbackup-temp web" (1234)',
        why: 'journal entry e1 …; the pool confirms …',
      },
      { action: 'skipped', what: 'VDI "disk" (5678)', why: 'in use by another VM' },
      { action: 'kept', what: 'folder /x', why: 'not proven ours' },
    ]);
    assert.deepEqual(logs, ['removed snapshot "vmbackup-temp web" (1234)', 'kept: folder /x — not proven ours']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /VDI "disk" \(5678\) is left for Clean Up: in use by another VM/);
    assert.deepEqual(released, [entry]);
  });
});
