// Restore Group with VCB…: vcbResAll -s <folder made by vcbSnapAll> -b <mode> (guide P.68), one child job per VM;
// -b prompt is answered in a modal dialog.
import { GroupMember } from '../providers/vcb/vcbGroup';
import { CommandContext } from '../ui/commandContext';
import { runJob } from '../ui/runJob';
import { vcbChildJobs } from '../ui/vcbChildJobs';
import { answerInDialog, askRemoteFolder, pickRestoreMode, vcbJobSpec, vcbTarget } from '../ui/vcbTarget';
import { VcbHostNode } from '../views/vcbNodeTypes';

export async function vcbRestoreGroup(ctx: CommandContext, node?: VcbHostNode): Promise<GroupMember[] | undefined> {
  const t = await vcbTarget(ctx, node, 'Restore a group through which VCB host?');
  const provider = await t.open();
  const source = await askRemoteFolder(
    'Restore Group with VCB (vcbResAll -s)',
    'The folder a group backup (vcbSnapAll) made on the VCB host',
    provider.session.stagingRoot(),
  );
  const mode = await pickRestoreMode();
  const jobSpec = {
    ...vcbJobSpec(t, `Restore group ${source} with VCB`, 'vcb-resall'),
    refresh: ['infrastructure' as const],
  };
  return runJob(ctx, jobSpec, (jctx) =>
    provider.resAll(
      source,
      { mode, answer: (q) => answerInDialog(q, `vcbResAll on ${t.hostId}`) },
      jctx,
      vcbChildJobs(ctx, jctx, jobSpec),
    ),
  );
}
