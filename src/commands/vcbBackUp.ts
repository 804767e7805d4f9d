// Back Up with VCB…: vcbMounter -t fullvm of the VM (searched by the host's searchBy, -m from the vmbackup.vcb.transport
// setting or the host's transport) into the connection's repository (pulled over SFTP: sha256, manifest), into a new
// folder on the VCB host, or to another host by scp:// (guide P.60–63). A job with progress and cancel.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { BackupRepository } from '../core/repository';
import { safeName } from '../core/safeName';
import { VcbDestination } from '../providers/vcb/vcbRecords';
import { CommandContext } from '../ui/commandContext';
import { pick, pickVm } from '../ui/pickers';
import { runJob } from '../ui/runJob';
import { askRemoteFolder, vcbJobSpec, vcbTarget, vcbVmOf } from '../ui/vcbTarget';
import { VmNode } from '../views/nodes';

export async function vcbBackUp(ctx: CommandContext, node?: VmNode): Promise<unknown> {
  const vmNode =
    node?.kind === 'vm'
      ? node
      : await pickVm(ctx, 'Back up with VCB', (n) => !!ctx.connections.get(n.connection)?.vcbHosts?.length);
  const t = await vcbTarget(ctx, { connection: vmNode.connection }, 'Back up through which VCB host?');
  const vmName = vmNode.vm.name;
  const repository = ctx.connections.repositoryFor(vmNode.connection);
  const kind = await pick(
    [
      ...(repository
        ? [
            {
              label: 'Into the repository',
              detail: `pulled over SFTP into ${repository} (sha256, manifest)`,
              value: 'repository' as const,
            },
          ]
        : []),
      { label: 'To a folder on the VCB host', detail: 'vcbMounter -r <new folder>', value: 'folder' as const },
      {
        label: 'To another host (scp://)',
        detail: 'vcbMounter -r scp://user@host:/path (key-based login, P.63)',
        value: 'scp' as const,
      },
    ],
    `Back up ${vmName} with VCB to…`,
  );
  const provider = await t.open();
  let dest: VcbDestination;
  if (kind === 'repository') dest = { kind: 'repository', repository: repository! };
  else if (kind === 'folder') {
    const stamp = new Date().toISOString().slice(0, 10);
    const suggested = `${provider.session.stagingRoot().replace(/\/+$/, '')}/${safeName(vmName).replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`;
    dest = {
      kind: 'folder',
      path: await askRemoteFolder(
        'Back up with VCB',
        'A new folder on the VCB host (its parent must exist)',
        suggested,
      ),
    };
  } else {
    const url = await vscode.window.showInputBox({
      title: 'Back up with VCB',
      prompt: 'scp://user@host:/path (the VCB host logs in there with its own key)',
      value: 'scp://',
      ignoreFocusOut: true,
      validateInput: (v) => (/^scp:\/\/[^\s@/]+@[^\s:/]+:\/\S*$/.test(v) ? undefined : 'scp://user@host:/path'),
    });
    if (!url) throw new CancelledError();
    dest = { kind: 'scp', url };
  }
  return runJob(
    ctx,
    {
      ...vcbJobSpec(t, `Back up ${vmName} with VCB`, 'vcb-backup', vmName),
      targets: [vmNode.vm.id],
      refresh: ['backups', 'infrastructure'],
    },
    async (jctx) => {
      const r = await provider.backup(await vcbVmOf(provider, vmNode, jctx.signal), dest, jctx);
      if (r.localDir) return new BackupRepository(repository!).entry(r.localDir) ?? r;
      return r;
    },
  );
}
