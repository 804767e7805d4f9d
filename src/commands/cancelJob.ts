// Cancel a running or queued job.
import { Job } from '../core/job';
import { CommandContext } from '../ui/commandContext';
import { pickJob } from '../ui/pickers';
import { JobNode, isNode } from '../views/nodes';

export async function cancelJob(ctx: CommandContext, node?: JobNode): Promise<void> {
  const job = isNode(node, 'job') ? node.job : await pickJob(ctx, 'Cancel job', true);
  if (job instanceof Job) {
    job.cancel();
    ctx.log.info(`cancel requested: ${job.record.title}`);
  } else ctx.jobs.find(job.id)?.cancel();
  ctx.trees.jobs.refresh();
}
