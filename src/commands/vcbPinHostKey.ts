// Pin This Host Key…: on the error of a VCB host whose SSH host key is not pinned yet (SSH_HOST_KEY_UNKNOWN). A key
// that changed (SSH_HOST_KEY_MISMATCH) is refused and not offered: check the host and edit hostKey by hand.
import { CommandContext } from '../ui/commandContext';
import { confirmAndPinHostKey } from '../ui/vcbHostKey';
import { VcbErrorNode } from '../views/vcbNodeTypes';

export async function vcbPinHostKey(ctx: CommandContext, node?: VcbErrorNode): Promise<void> {
  if (node?.kind !== 'vcbError' || !node.unpinned)
    throw new Error(
      node?.code === 'SSH_HOST_KEY_MISMATCH'
        ? 'The VCB host presented another SSH host key than the pinned one: refused. If the host was reinstalled, check its new key on it and change hostKey in connections.yaml'
        : 'Pin This Host Key works on a VCB host whose SSH host key is not pinned yet (right-click its error in the Infrastructure view)',
    );
  await confirmAndPinHostKey(ctx, node.connection, node.host, node.unpinned.fingerprint);
  ctx.trees.infrastructure.refreshConnection(node.connection);
}
