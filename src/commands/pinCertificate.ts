// Pin the certificate a connection's host presented (shown on the error node of a connection that failed TLS).
import { CommandContext } from '../ui/commandContext';
import { confirm } from '../ui/pickers';
import { ErrorNode, isNode } from '../views/nodes';

export async function pinCertificate(ctx: CommandContext, node?: ErrorNode): Promise<void> {
  const untrusted = isNode(node, 'error') ? node.untrusted : undefined;
  if (!untrusted) throw new Error('Pin Certificate works on a connection that failed on its certificate (right-click its error in the Infrastructure view)');
  const { connection, host, thumbprint, howToCheck } = untrusted;
  await confirm(
    `Pin the certificate of ${host} for connection "${connection}"?`,
    `SHA-256 ${thumbprint}\n\nPin it only if it is the host's own certificate: on the host, `
      + `${howToCheck} must print the same. `
      + `The thumbprint is written to .vmbackup/connections.yaml; certificates are then no longer checked against the CAs for this connection.`,
    'Pin Certificate',
  );
  ctx.connections.pinThumbprint(connection, thumbprint);
  ctx.log.info(`connection "${connection}": pinned the certificate of ${host}, SHA-256 ${thumbprint}`);
  ctx.trees.infrastructure.refresh();
}
