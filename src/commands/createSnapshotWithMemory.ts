// Take a snapshot that includes the memory of running VMs (offered where canSnapshotMemory: declared, VM running).
import { CommandContext } from '../ui/commandContext';
import { VmNode } from '../views/nodes';
import { takeSnapshots } from './createSnapshot';

export function createSnapshotWithMemory(ctx: CommandContext, node?: VmNode, selected?: VmNode[]): Promise<void> {
  return takeSnapshots(ctx, node, selected, 'canSnapshotMemory', { memory: true }, 'Snapshot with memory of');
}
