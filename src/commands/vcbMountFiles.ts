// Browse Files (VCB File Level)…: vcbMounter -t file mounts the VM's volumes on the VCB host; they are shown under the
// VCB host in the Infrastructure view and open read-only through the vmbackup-vcb: file system, until Unmount (or the
// window closes).
import { CommandContext } from '../ui/commandContext';
import { pickVm } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { OpenMount } from '../ui/vcbSessions';
import { vcbJobSpec, vcbTarget, vcbVmOf } from '../ui/vcbTarget';
import { VmNode } from '../views/nodes';

export async function vcbMountFiles(ctx: CommandContext, node?: VmNode): Promise<OpenMount | undefined> {
  const vmNode =
    node?.kind === 'vm'
      ? node
      : await pickVm(
          ctx,
          'Browse files of which VM (VCB file level)?',
          (n) => !!ctx.connections.get(n.connection)?.vcbHosts?.length,
        );
  const t = await vcbTarget(ctx, { connection: vmNode.connection }, 'Mount through which VCB host?');
  const provider = await t.open();
  const mount = await runJob(
    ctx,
    {
      ...vcbJobSpec(t, `Mount the files of ${vmNode.vm.name} (VCB file level)`, 'vcb-mount', vmNode.vm.name),
      targets: [vmNode.vm.id],
      announce: false,
    },
    async (jctx) => provider.mount(await vcbVmOf(provider, vmNode, jctx.signal), jctx),
  );
  if (!mount) return undefined;
  const m = ctx.vcb.addMount(t.connection, t.host, provider, mount);
  ctx.trees.infrastructure.refreshConnection(t.connection);
  return m;
}
