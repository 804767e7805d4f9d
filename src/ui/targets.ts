// Error context and concurrency key of a tree target.
import { ErrorContext } from '../core/errors';
import { HostInfo, PoolInfo, VmInfo } from '../core/model';

export interface Target {
  connection: string;
  pool?: PoolInfo;
  host?: HostInfo;
  vm?: VmInfo;
}

export function errorContext(t: Target): ErrorContext {
  return { connection: t.connection, pool: t.pool?.name, host: t.host?.name, vm: t.vm?.name };
}

/** Jobs are limited per host; a VM without a resident host counts against its pool. */
export function hostKey(t: Target): string {
  return `${t.connection}/${t.host?.id ?? t.pool?.id ?? ''}`;
}
