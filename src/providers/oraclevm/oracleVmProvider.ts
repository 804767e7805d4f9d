// The Oracle VM 3.4 provider: what the Provider contract asks that the Manager's REST API gives today (inventory).
import { ErrorContext, VendorError } from '../../core/errors';
import { JobContext } from '../../core/job';
import {
  Capabilities,
  ConnectionProfile,
  HostInfo,
  PoolInfo,
  SnapshotInfo,
  StorageInfo,
  VmInfo,
} from '../../core/model';
import {
  BackupOptions,
  MetadataRestoreOptions,
  MetadataRestoreResult,
  Provider,
  RestoreOptions,
  Secrets,
  SnapshotOptions,
} from '../../core/provider';
import { CatalogEntry } from '../../core/repository';
import { CleanupItem, CleanupOptions } from '../../core/cleanupReport';
import { ORACLEVM_CAPABILITIES } from './ovmCapabilities';
import { OvmClient } from './ovmClient';
import { listRepositories, listServerPools, listServers, listVms } from './ovmInventory';
import { toHost, toPool, toStorage, toVm } from './ovmRecords';

/** The Manager's REST base path (vmapi-rest.html §3.1): added when the connection's URL names only the Manager. */
export const OVM_REST_PATH = '/ovm/core/wsapi/rest';

/** `https://manager:7002` → `https://manager:7002/ovm/core/wsapi/rest`; a URL that already has a path is kept. */
export function restBase(url: string): string {
  const u = new URL(url);
  return u.pathname === '/' || u.pathname === '' ? `${u.origin}${OVM_REST_PATH}` : url.replace(/\/+$/, '');
}

/** The code of an operation this provider refuses (not a Manager code: the product's own). */
export const NOT_SUPPORTED = 'OPERATION_NOT_SUPPORTED';

export interface OracleVmProviderOptions {
  /** Told each Manager state connect() waits in (STARTING…), with a sentence for the user. */
  onStatus?: (message: string) => void;
  pollMs?: number;
}

/**
 * Server pools are the pools, servers the hosts, repositories the storage. Snapshots do not exist in OVM 3.x; backup,
 * restore and the Manager's own backup are not built yet (issue #15): those calls reject with a VendorError
 * OPERATION_NOT_SUPPORTED naming the connection.
 */
export class OracleVmProvider implements Provider {
  readonly platform = 'oraclevm';
  readonly capabilities: Capabilities = ORACLEVM_CAPABILITIES;
  readonly client: OvmClient;

  constructor(
    readonly profile: ConnectionProfile,
    secrets: Secrets,
    private readonly opts: OracleVmProviderOptions = {},
  ) {
    this.client = new OvmClient({
      url: restBase(profile.url),
      username: profile.username,
      password: secrets.password,
      thumbprint: profile.thumbprint,
      label: profile.name,
      pollMs: opts.pollMs,
    });
  }

  /** Checks the credentials and waits while the Manager is STARTING (vmapi-rest-managerstate), saying so. */
  async connect(signal?: AbortSignal): Promise<void> {
    await this.client.waitUntilRunning({
      signal,
      onWait: (s) =>
        this.opts.onStatus?.(`Oracle VM Manager "${this.profile.name}" is ${s}: waiting until it is RUNNING`),
    });
  }

  async disconnect(): Promise<void> {
    /* the session cookie simply expires */
  }

  async listPools(): Promise<PoolInfo[]> {
    return (await listServerPools(this.client)).map(toPool);
  }
  async listHosts(poolId: string): Promise<HostInfo[]> {
    return (await listServers(this.client, poolId)).map((s) => toHost(s, poolId));
  }
  async listVms(scope: { poolId?: string; hostId?: string }): Promise<VmInfo[]> {
    return (await listVms(this.client, { poolId: scope.poolId, serverId: scope.hostId })).map(toVm);
  }
  /** OVM 3.x has no VM snapshots (protocols.md §2.5). */
  async listSnapshots(): Promise<SnapshotInfo[]> {
    return [];
  }
  async listStorage(): Promise<StorageInfo[]> {
    return (await listRepositories(this.client)).map(toStorage);
  }

  snapshot(_vmId: string, _o: SnapshotOptions, _c: JobContext): Promise<SnapshotInfo> {
    return this.refuse('snapshots', 'Oracle VM 3.x has no VM snapshots; back up by cold clone instead');
  }
  revert(_id: string, _c: JobContext): Promise<void> {
    return this.refuse('snapshot revert', 'Oracle VM 3.x has no VM snapshots');
  }
  deleteSnapshot(_id: string, _c: JobContext): Promise<void> {
    return this.refuse('snapshot delete', 'Oracle VM 3.x has no VM snapshots');
  }
  backupVm(_vmId: string, _o: BackupOptions, _c: JobContext): Promise<CatalogEntry> {
    return this.refuse('VM backup', 'not implemented yet for Oracle VM (cold clone + repository copy, issue #15)');
  }
  restoreVm(_e: CatalogEntry, _o: RestoreOptions, _c: JobContext): Promise<VmInfo> {
    return this.refuse('VM restore', 'not implemented yet for Oracle VM (issue #15)');
  }
  backupPoolMetadata(_o: BackupOptions, _c: JobContext): Promise<CatalogEntry> {
    return this.refuse(
      'pool metadata backup',
      'a XAPI pool database operation; the Oracle VM Manager database backup is not implemented yet (issue #15)',
    );
  }
  restorePoolMetadata(_e: CatalogEntry, _o: MetadataRestoreOptions, _c: JobContext): Promise<MetadataRestoreResult> {
    return this.refuse('pool metadata restore', 'a XAPI pool database operation');
  }
  backupHost(_h: string, _o: BackupOptions, _c: JobContext): Promise<CatalogEntry> {
    return this.refuse(
      'host backup',
      'Oracle recommends reinstalling and rediscovering an Oracle VM Server rather than backing it up (guide §12)',
    );
  }
  resetPowerState(_vmId: string, _c: JobContext): Promise<void> {
    return this.refuse('reset power state', 'a XAPI operation');
  }
  /** Nothing to clean: this provider makes no temporary objects yet. */
  async cleanup(_o: CleanupOptions, _c: JobContext): Promise<CleanupItem[]> {
    return [];
  }

  private refuse<T>(what: string, why: string, context: ErrorContext = {}): Promise<T> {
    return Promise.reject(
      new VendorError(NOT_SUPPORTED, [`${what}: ${why}`], { connection: this.profile.name, ...context }),
    );
  }
}

export function createOracleVmProvider(profile: ConnectionProfile, secrets: Secrets): Provider {
  return new OracleVmProvider(profile, secrets);
}
