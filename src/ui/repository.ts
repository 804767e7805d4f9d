// The repository a connection backs up to, or a clear error telling how to set one.
import { CommandContext } from './commandContext';

export function requireRepository(ctx: CommandContext, connection: string): string {
  const root = ctx.connections.repositoryFor(connection);
  if (!root)
    throw new Error(
      `connection "${connection}": no backup repository — set "repository" in .vmbackup/connections.yaml or the vmbackup.defaultRepository setting`,
    );
  return root;
}
