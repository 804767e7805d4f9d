// `vmbackup vcb-snapall <spec> --to <new dir>` and `vcb-resall <dir> [--catalog <remote copy>] [-b …]`: vcbSnapAll /
// vcbResAll, one line per VM (its child job), exit 1 when any VM failed.
import { Args } from './args';
import { terminalContext } from './session';
import { terminalAnswer, withVcb } from './vcbSession';
import { restoreMode } from './vcbRestoreVerb';
import { ChildJobs, GroupMember } from '../providers/vcb/vcbGroup';
import { tableLines } from './table';

function children(parent: ReturnType<typeof terminalContext>): ChildJobs {
  return (vm) => ({
    ...parent,
    log: (l) => parent.log(`${vm}: ${l}`),
    done: (ok, error) => parent.log(`${vm}: ${ok ? 'done' : `failed: ${error ?? ''}`}`),
  });
}

function report(members: GroupMember[], out: (data: unknown, text: string) => void): number {
  out(members, tableLines(members.map((m) => [m.ok ? 'ok' : 'FAILED', m.name, m.dir ?? m.error])).join('\n'));
  return members.every((m) => m.ok) ? 0 : 1;
}

export async function vcbSnapAllVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const spec = a.positional[0];
  const to = typeof a.flags.to === 'string' ? a.flags.to : undefined;
  if (!spec || !to) throw new Error('vcb-snapall <spec> --to <new folder on the VCB host>');
  return withVcb(a, async (vcb) => {
    const ctx = terminalContext(!!a.flags.json);
    return report(await vcb.snapAll(spec, to, ctx, children(ctx)), out);
  });
}

export async function vcbResAllVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const mode = restoreMode(a);
  const source = a.positional[0];
  if (!source) throw new Error('vcb-resall <folder made by vcb-snapall> [-b mode]');
  const catalog = typeof a.flags.catalog === 'string' ? a.flags.catalog : undefined;
  return withVcb(a, async (vcb) => {
    const ctx = terminalContext(!!a.flags.json);
    return report(await vcb.resAll(source, { mode, catalog, answer: terminalAnswer }, ctx, children(ctx)), out);
  });
}
