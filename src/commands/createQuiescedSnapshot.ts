// Take a snapshot with the guest's file systems quiesced (offered where canQuiesce: declared, guest tools running).
import { CommandContext } from '../ui/commandContext';
import { VmNode } from '../views/nodes';
import { takeSnapshots } from './createSnapshot';

export function createQuiescedSnapshot(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  return takeSnapshots(ctx, node, selected, 'canQuiesce', { quiesce: true }, 'Quiesced snapshot of');
}
