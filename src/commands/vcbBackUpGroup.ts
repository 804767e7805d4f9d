// Back Up Group with VCB…: vcbSnapAll -a <spec> -r <new folder> (guide P.64) on a VCB host, one child job per VM
// under the group's job in the Jobs view.
import { GroupMember } from '../providers/vcb/vcbGroup';
import { CommandContext } from '../ui/commandContext';
import { runJob } from '../ui/runJob';
import { vcbChildJobs } from '../ui/vcbChildJobs';
import { askRemoteFolder, askSearchSpec, vcbJobSpec, vcbTarget } from '../ui/vcbTarget';
import { VcbHostNode } from '../views/vcbNodeTypes';

export async function vcbBackUpGroup(ctx: CommandContext, node?: VcbHostNode): Promise<GroupMember[] | undefined> {
  const t = await vcbTarget(ctx, node, 'Back up a group through which VCB host?');
  const spec = await askSearchSpec(
    'Back Up Group with VCB (vcbSnapAll -a)',
    'Search specifier of the group: any:, powerstate:on, name:…, ipaddr:… (guide P.61–64)',
    'powerstate:on',
  );
  const provider = await t.open();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 13);
  const dest = await askRemoteFolder(
    'Back Up Group with VCB (vcbSnapAll -r)',
    'A new folder on the VCB host for the group (one subfolder per VM)',
    `${provider.session.stagingRoot().replace(/\/+$/, '')}/group-${stamp}`,
  );
  const jobSpec = {
    ...vcbJobSpec(t, `Back up group ${spec} with VCB`, 'vcb-snapall'),
    refresh: ['infrastructure' as const],
  };
  return runJob(ctx, jobSpec, (jctx) => provider.snapAll(spec, dest, jctx, vcbChildJobs(ctx, jctx, jobSpec)));
}
