// Error context and concurrency key of a tree target.
import { ErrorContext } from '../core/errors';
import { ContainerInfo, VmInfo } from '../core/model';

/** What a job works on: a connection, the containers down to it (top first), a VM. */
export interface Target {
  connection: string;
  path?: ContainerInfo[];
  container?: ContainerInfo;
  vm?: VmInfo;
}

const chain = (t: Target) => [...(t.path ?? []), ...(t.container ? [t.container] : [])];
const hostOf = (t: Target) => [...chain(t)].reverse().find((c) => c.isHost);

/** The connection, the top container (pool, datacenter, server pool), the host and the VM, by name. */
export function errorContext(t: Target): ErrorContext {
  return { connection: t.connection, pool: chain(t)[0]?.name, host: hostOf(t)?.name, vm: t.vm?.name };
}

/** Jobs are limited per host: the host above the target, else the VM's host, else the top container. */
export function hostKey(t: Target): string {
  return `${t.connection}/${hostOf(t)?.id ?? t.vm?.hostId ?? chain(t)[0]?.id ?? ''}`;
}
