// Pin the certificate a connection's host presented: offered on the node of a connection that failed TLS, on a
// job that failed on a (pool member's) certificate — its notification and its entry in the Jobs view.
import { pinConfirmation } from '../core/pinRequest';
import { CommandContext } from '../ui/commandContext';
import { confirm } from '../ui/pickers';
import { ConnectionNode, ErrorNode, JobNode, pinRequestOf } from '../views/nodes';

export async function pinCertificate(ctx: CommandContext, node?: ConnectionNode | ErrorNode | JobNode): Promise<void> {
  const req = pinRequestOf(node);
  if (!req)
    throw new Error(
      'Pin Certificate works on a connection or a job that failed on its certificate (right-click the connection in the Infrastructure view, or the failed job in the Jobs view)',
    );
  const { message, detail } = pinConfirmation(req);
  await confirm(message, detail, 'Pin Certificate');
  ctx.connections.pinThumbprint(req.connection, req.thumbprint);
  ctx.log.info(`connection "${req.connection}": pinned the certificate of ${req.host}, SHA-256 ${req.thumbprint}`);
  ctx.trees.infrastructure.refresh();
}
