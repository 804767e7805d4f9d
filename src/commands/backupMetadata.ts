// A metadata backup of a container or VM, of a kind its connection's capabilities declare, named as the platform
// names it (Xen: "Pool database" of a pool, "Host (dom0) backup" of a host, "VM metadata" of a VM).
import { CancelledError } from '../core/errors';
import { MetadataBackupKind } from '../core/model';
import { operation } from '../core/provider';
import { capabilitiesOf } from '../providers';
import { CommandContext } from '../ui/commandContext';
import { pickConnection, pickContainer, pickVm } from '../ui/pickers';
import { requireRepository } from '../ui/repository';
import { runJob } from '../ui/runJob';
import { Target, errorContext, hostKey } from '../ui/targets';
import { metadataKindsOf } from '../views/contextTokens';
import { ContainerNode, VmNode, isNode } from '../views/nodes';
import * as vscode from 'vscode';

async function chooseKind(kinds: MetadataBackupKind[], title: string): Promise<MetadataBackupKind> {
  if (kinds.length === 1) return kinds[0];
  if (!kinds.length) throw new Error(`${title}: no metadata backup is offered here`);
  const chosen = await vscode.window.showQuickPick(
    kinds.map((k) => ({ label: k.label, value: k })),
    { title, ignoreFocusOut: true },
  );
  if (!chosen) throw new CancelledError();
  return chosen.value;
}

export async function backupMetadata(ctx: CommandContext, node?: ContainerNode | VmNode): Promise<void> {
  let target: (ContainerNode | VmNode) | undefined = isNode(node, 'container') || isNode(node, 'vm') ? node : undefined;
  let kind: MetadataBackupKind;
  if (target) {
    const of = target.kind === 'container' ? target.container.kind : 'vm';
    kind = await chooseKind(metadataKindsOf(target.caps, of), 'Back up metadata');
  } else {
    const connection = await pickConnection(ctx, 'Back up metadata');
    const profile = ctx.connections.get(connection);
    kind = await chooseKind(profile ? capabilitiesOf(profile).metadataBackups : [], 'Back up metadata');
    target =
      kind.of === 'vm'
        ? await pickVm(ctx, `Back up ${kind.label} of`)
        : await pickContainer(ctx, `Back up ${kind.label} of`, [kind.of], connection);
  }
  const n = target;
  const repository = requireRepository(ctx, n.connection);
  const provider = await ctx.connections.provider(n.connection);
  const backup = operation(provider, 'backupMetadata');
  const t: Target = n;
  const id = n.kind === 'container' ? n.container.id : n.vm.id;
  const name = n.kind === 'container' ? n.container.name : n.vm.name;
  await runJob(
    ctx,
    {
      title: `Back up ${kind.label} of ${name}`,
      kind: `backup-${kind.kind}`,
      context: errorContext(t),
      hostKey: hostKey(t),
      targets: [id],
      refresh: ['backups'],
    },
    (job) => backup(kind.kind, id, { repository }, job),
  );
}
