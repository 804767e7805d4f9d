// The Oracle VM 3.4 provider: what the Provider contract asks that the Manager's REST API gives today (inventory).
import { VendorError } from '../../core/errors';
import { JobContext } from '../../core/job';
import {
  Capabilities,
  ConnectionProfile,
  ContainerRef,
  InventoryItem,
  NetworkInfo,
  PlacementChoice,
  SnapshotInfo,
  StorageInfo,
  VmInfo,
} from '../../core/model';
import { Provider, RestoreOptions, Secrets } from '../../core/provider';
import { CleanupItem, CleanupOptions, cleanupLine } from '../../core/cleanupReport';
import { Journal } from '../../core/journal';
import { CatalogEntry } from '../../core/repository';
import { withErrorContext } from '../../core/withErrorContext';
import { OvmBackupEnv, OvmBackupOptions, backupOvmVm } from './ovmBackup';
import { cleanupOvmJournal } from './ovmCloneCleanup';
import { restoreOvmVm } from './ovmRestore';
import { ManagerCliAccess, profileCliAccess } from './manager/managerCli';
import { listOvmNetworks } from './ovmNetworks';
import { ovmCapabilities } from './ovmCapabilities';
import { OvmClient } from './ovmClient';
import { listRepositoryStorage, listServerPools, listServers, listVms } from './ovmInventory';
import { toHost, toPool, toVm } from './ovmRecords';
import { listRepositoryContents } from './ovmStorage';
import { listManagerJobs } from './ovmJobList';
import { restBase } from './ovmRestBase';

export { OVM_REST_PATH, restBase } from './ovmRestBase';

/** The Manager's password, and the SSH password for the Oracle VM Servers when no key file is configured. */
export interface OvmSecrets extends Secrets {
  sshPassword?: string;
}

export interface OracleVmProviderOptions {
  /** Told each Manager state connect() waits in (STARTING…), with a sentence for the user. */
  onStatus?: (message: string) => void;
  pollMs?: number;
}

/**
 * Server pools → servers → VMs, repositories the storage. Snapshots do not exist in OVM 3.x. VM backup, restore and
 * cleanup live in ovmBackup.ts, ovmRestore.ts and ovmCloneCleanup.ts; the Manager's own backup is not declared.
 */
export class OracleVmProvider implements Provider {
  readonly platform = 'oraclevm';
  readonly capabilities: Capabilities;
  readonly client: OvmClient;
  private readonly sshPassword?: string;
  private readonly cli?: ManagerCliAccess;

  constructor(
    readonly profile: ConnectionProfile,
    secrets: OvmSecrets,
    private readonly opts: OracleVmProviderOptions = {},
  ) {
    this.sshPassword = secrets.sshPassword;
    this.cli = profileCliAccess(profile, secrets.password);
    this.capabilities = ovmCapabilities({ cli: !!this.cli });
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

  /** Server pools; a pool → its servers and the VMs that run on none; a server → its VMs. */
  async listChildren(parent?: ContainerRef): Promise<InventoryItem[]> {
    const vmItem = (vm: VmInfo): InventoryItem => ({ type: 'vm', vm });
    if (!parent) return (await listServerPools(this.client)).map(toPool);
    if (parent.kind === 'serverPool') {
      const [servers, vms] = await Promise.all([
        listServers(this.client, parent.id),
        listVms(this.client, { poolId: parent.id }),
      ]);
      const ids = new Set(servers.map((s) => s.id.value));
      return [
        ...servers.map(toHost),
        ...vms
          .map(toVm)
          .filter((v) => !v.hostId || !ids.has(v.hostId))
          .map(vmItem),
      ];
    }
    if (parent.kind === 'server') return (await listVms(this.client, { serverId: parent.id })).map(toVm).map(vmItem);
    throw new VendorError('NOT_FOUND', [`${parent.kind} ${parent.id}`], { connection: this.profile.name });
  }
  async listVms(): Promise<VmInfo[]> {
    return (await listVms(this.client)).map(toVm);
  }
  /** OVM 3.x has no VM snapshots (protocols.md §2.5). */
  async listSnapshots(): Promise<SnapshotInfo[]> {
    return [];
  }
  /** The repositories, with their file systems' free space (ovmInventory.listRepositoryStorage). */
  listStorage(): Promise<StorageInfo[]> {
    return listRepositoryStorage(this.client);
  }
  listStorageContents = (id: string, signal?: AbortSignal) => listRepositoryContents(this.client, id, signal);
  listPlatformJobs = (o: { recent: number }, signal?: AbortSignal) => listManagerJobs(this.client, o.recent, signal);
  /** The Manager's networks (ovmNetworks.ts); `bridge` is the id a vm.cfg vif names. */
  async listNetworks(): Promise<NetworkInfo[]> {
    return listOvmNetworks(this.client);
  }
  /** The server pools a restored VM can go into. */
  async listPlacement(): Promise<PlacementChoice[]> {
    return (await listServerPools(this.client)).map((p) => ({ kind: 'serverPool', id: p.id.value, name: p.name }));
  }
  /** Guide §12.2 backups (ovmBackup.ts): cold clone (default), the stopped VM's files, hot clone, or (Manager CLI) an OVA export. */
  backupVm(vmId: string, opts: OvmBackupOptions, ctx: JobContext): Promise<CatalogEntry> {
    return withErrorContext(this.profile.name, () => backupOvmVm({ ...this.env(), cli: this.cli }, vmId, opts, ctx));
  }
  /** Files uploaded into a repository over SFTP, then the Manager CLI's repository refresh imports them (ovmRestore.ts). */
  restoreVm(entry: CatalogEntry, opts: RestoreOptions, ctx: JobContext): Promise<VmInfo> {
    return withErrorContext(this.profile.name, () => restoreOvmVm({ ...this.env(), cli: this.cli }, entry, opts, ctx), {
      vm: entry.vmName,
    });
  }
  /**
   * What jobs that no longer run left, as the repository's journal names them: backups' clones (and their disks) and
   * folder leftovers; restores' files in an Oracle VM repository and the VM the Manager imported from them.
   */
  async cleanup(o: CleanupOptions, ctx: JobContext): Promise<CleanupItem[]> {
    return withErrorContext(this.profile.name, async () => {
      const items = await cleanupOvmJournal(this.env(), this.cli, new Journal(o.repository), !!o.dryRun);
      for (const i of items) ctx.log(cleanupLine(i));
      return items;
    });
  }

  private env(): OvmBackupEnv {
    const s = this.profile.idleTimeoutSeconds;
    return {
      client: this.client,
      connection: this.profile.name,
      access: this.profile.oraclevm,
      sshPassword: this.sshPassword,
      idleMs: s === undefined ? undefined : s === 0 ? 2 ** 31 - 1 : s * 1000,
    };
  }
}

export function createOracleVmProvider(profile: ConnectionProfile, secrets: OvmSecrets): Provider {
  return new OracleVmProvider(profile, secrets);
}
