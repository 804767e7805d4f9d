// Platform-neutral inventory model shared by every provider, the extension and the CLI.

export type PowerState = 'running' | 'halted' | 'suspended' | 'paused' | 'unknown';

export interface ConnectionProfile {
  /** Unique, user-chosen connection name. */
  name: string;
  platform: 'xen' | 'vmware' | 'oraclevm';
  /** Base URL of the management endpoint, e.g. https://xcp-master.example. */
  url: string;
  username: string;
  /** Skip CA verification, but only with a pinned certificate thumbprint (SHA-1 or SHA-256, hex with colons). */
  thumbprint?: string;
  /** Backup repository folder for this connection. */
  repository?: string;
  /** Oracle VM only: how to reach the Oracle VM Servers that present its repositories over SSH/SFTP. */
  oraclevm?: OracleVmServerAccess;
  maxRetries?: number;
  backoffSeconds?: number;
  /** Concurrent data-plane operations per host. */
  concurrencyPerHost?: number;
  /** A data stream (export, upload) on which nothing moves this many seconds fails, and its task is cancelled. Default 300. */
  idleTimeoutSeconds?: number;
  /** A platform task still pending after this many minutes is cancelled and the job fails. Default 60. */
  taskDeadlineMinutes?: number;
  /** Oracle VM: SSH to the Manager host for its own backup and restore (guide §12.1). */
  managerHost?: ManagerHostSettings;
  /** vmware only: ESX service consoles (or Linux backup proxies) where the VCB tools run, reached over SSH. */
  vcbHosts?: VcbHostProfile[];
}

/**
 * How to reach an Oracle VM Manager host over SSH and where its files are. Paths default to the guide's (Oracle VM 3.4
 * Administrator's Guide §12.1): `/u01/app/oracle` as the Oracle base, `/etc/sysconfig/ovmm`, `/sbin/service`.
 */
export interface ManagerHostSettings {
  /** SSH host (default: the Manager's REST host). */
  host?: string;
  /** SSH port (default 22). */
  port?: number;
  /** SSH user: root for the services (§12.1.4 step 2), or a user that may run them. */
  username: string;
  /** The pinned SSH host-key fingerprint (SHA256:…). */
  hostKey?: string;
  /** A private key file for key authentication (else the SSH password from the environment). */
  privateKeyFile?: string;
  /** The Oracle base (default `/u01/app/oracle`): `ovm-manager-3/`, `mysql/dbbackup` are under it. */
  oracleHome?: string;
  /** Default `/etc/sysconfig/ovmm` (§12.1.2: DBBACKUP, DBBACKUP_CMD). */
  sysconfig?: string;
  /** Default `/sbin/service` (§12.1.4 steps 2 and 4). */
  service?: string;
  /** Run RestoreDatabase.sh as this user through `su - <user> -c` (§12.1.4 step 3: `su - oracle`); unset: as the SSH user. */
  restoreUser?: string;
  /**
   * The Oracle VM Manager CLI (its own SSH server, `ssh -p 10000 admin@<manager>`, platform-facts.md §3.4): where
   * `getDbBackupConfig` reads the automatic backups' interval and number kept, which live in the Manager's database
   * (guide §12.1.2), and where a VM restore has the Manager import its files (`refresh Repository`, CLI reference
   * A.124; a restore is refused without `cliPort` or `cliHostKey`). Host default: `host`; port default 10000; user default the connection's Manager user (its
   * password is the Manager password); `cliHostKey` the pinned fingerprint of that server's key (SHA256:…).
   */
  cliPort?: number;
  cliUsername?: string;
  cliHostKey?: string;
}

/**
 * A VCB host of a VMware connection: the SSH address and user, the pinned host-key fingerprint (`SHA256:…`, pinned on
 * first use like a TLS thumbprint), an optional private-key file, where backuptools.conf is (default
 * /etc/vmware/backuptools.conf, then /etc/backuptools.conf) and the service-console folder used for staging.
 */
export interface VcbHostProfile {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  hostKey?: string;
  /** Path of an OpenSSH private key on this machine (key authentication); else the SSH password is asked. */
  privateKeyFile?: string;
  /** Where backuptools.conf is read, in order (default the guide's /etc/vmware/backuptools.conf, then /etc/backuptools.conf). */
  configPaths?: string[];
  /** A folder on the VCB host for exports pulled into the repository and for catalog copies (default TEMPDIR of backuptools.conf, else /tmp). */
  stagingDir?: string;
  /** How the VM is named to the tools: uuid (default; the BIOS uuid survives restarts), name, moref or ipaddr. */
  searchBy?: 'uuid' | 'name' | 'moref' | 'ipaddr';
  /** vcbMounter -m (default nbd). */
  transport?: 'cos' | 'nbd' | 'nbdssl' | 'san' | 'hotadd';
}

/**
 * SSH/SFTP access to the Oracle VM Servers that present a Manager's repositories (the VM files are read and written
 * there: `<repositoryRoot>/<repository id>/VirtualMachines/<vm id>/vm.cfg`, `…/VirtualDisks/<disk id>`).
 */
export interface OracleVmServerAccess {
  /** The SSH user on the servers (usually root). */
  sshUser: string;
  /** A private key file (OpenSSH or PEM); without it the CLI reads VMBACKUP_SSH_PASSWORD_<NAME>. */
  sshKeyFile?: string;
  /** Where a server mounts the repositories. Default `/OVS/Repositories`. */
  repositoryRoot?: string;
  /** The servers the tool may use, each with its pinned host key; only servers the repository is presented to are used. */
  servers: Array<{
    /** The server's name in the Manager, or its address (`ipAddress`). */
    server: string;
    /** Address to connect to; default the server's `ipAddress` in the Manager. */
    address?: string;
    /** Default 22. */
    port?: number;
    /** The host key's fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it. */
    hostKey: string;
  }>;
}

/**
 * How the tree draws a container: the neutral icon hint. `host` is a physical machine (Xen host, ESX(i) host, OVM
 * server): jobs on the VMs below it are limited per host.
 */
export type ContainerIcon = 'pool' | 'host' | 'datacenter' | 'cluster' | 'folder' | 'resourcePool';

/**
 * A container of the platform's inventory, as its provider lists it (Provider.listChildren). `kind` is the
 * platform's own word — Xen: `pool`, `host`; vSphere: `datacenter`, `folder`, `cluster`, `host`, `resourcePool`;
 * Oracle VM: `serverPool`, `server` — and is what capabilities (MetadataBackupKind.of) and menus refer to.
 */
export interface ContainerInfo {
  type: 'container';
  /** The platform's reference (XAPI OpaqueRef, vSphere moref value, OVM id). */
  id: string;
  kind: string;
  name: string;
  icon: ContainerIcon;
  /** One line shown beside the name: address, state, version. */
  detail?: string;
  /** A physical host (see ContainerIcon). */
  isHost?: boolean;
  /** false: the host does not take work now (disabled, in maintenance, disconnected). */
  enabled?: boolean;
}
/** A VM as an inventory item. */
export interface VmItem {
  type: 'vm';
  vm: VmInfo;
}
/** One child of a tree level: a container, or a VM. */
export type InventoryItem = ContainerInfo | VmItem;
/** The container whose children are asked for (the top level when absent). */
export interface ContainerRef {
  kind: string;
  id: string;
}

export interface VmInfo {
  id: string;
  uuid: string;
  name: string;
  powerState: PowerState;
  hostId?: string;
  /** The top-level container the VM belongs to (Xen pool, vSphere datacenter, OVM server pool). */
  poolId: string;
  description?: string;
  memoryBytes?: number;
  vcpus?: number;
  snapshotCount: number;
  /** Set when the VM is Suspended and its suspend disk is missing (e.g. after a pool DB restore). */
  suspendDiskMissing?: boolean;
  /** Operations running on the VM now (XAPI `current_operations`: clean_shutdown, snapshot, export…); absent when idle. */
  operations?: string[];
  /** The guest tools (VMware Tools, XenServer PV tools) run in the guest now: a quiesced snapshot can be asked for. */
  toolsRunning?: boolean;
  /** The VM's disks need consolidation (vSphere runtime.consolidationNeeded). */
  consolidationNeeded?: boolean;
  /**
   * The guest's IP addresses as its tools report them, IPv4 first; absent when nothing is reported (no tools, not
   * running). Xen: VM_guest_metrics.networks; vSphere: guest.ipAddress; Oracle VM: what the Manager's REST gives.
   */
  ipAddresses?: string[];
  /** The name of the host it runs on, where the platform's record gives it (else the tree finds it in its path). */
  hostName?: string;
}
export interface SnapshotInfo {
  id: string;
  uuid: string;
  vmId: string;
  name: string;
  time: Date;
  parentId?: string;
  madeByUs: boolean;
  isCurrent: boolean;
  /**
   * The snapshot holds the VM's memory (Xen: a checkpoint, its record Suspended; vSphere: state poweredOn or
   * suspended). false: disk-only, and a revert leaves the VM halted (xapi_vm_snapshot.ml `revert` resets the VM to the
   * snapshot's power state; vSphere powers it off). Absent: unknown.
   */
  withMemory?: boolean;
}
/**
 * An SR (Xen), datastore (vSphere) or repository (Oracle VM): what a restore's storage step and `vmbackup storage`
 * show, the same for every platform.
 */
export interface StorageInfo {
  /** The platform's reference (XAPI OpaqueRef, datastore moref, OVM repository id): what RestoreOptions.storageId takes. */
  id: string;
  /** The object's uuid where the platform has one besides `id` (Xen SR uuid); a restore accepts it too. */
  uuid?: string;
  name: string;
  /** The platform's type of it: lvm, ext, nfs (Xen); VMFS, NFS (vSphere); OCFS2, NFS (Oracle VM). */
  type: string;
  shared: boolean;
  /** Free and total space, bytes. */
  freeBytes?: number;
  capacityBytes?: number;
  /** Where a restore goes when no storage is named (Xen: the pool's default_SR). */
  isDefault: boolean;
  /** The host a local (not shared) storage belongs to: its id, and its name for display. */
  hostId?: string;
  hostName?: string;
}
/**
 * What one storage holds (Provider.listStorageContents): `virtualDisk` a disk image (Xen VDI, vSphere virtual disk,
 * OVM VirtualDisk), `vmFiles` a VM's own files (OVM `VirtualMachines/<id>/vm.cfg`), `iso` a CD/DVD image (OVM
 * VIRTUAL_CDROM), `other` anything else the platform lists.
 */
export type StorageItemKind = 'virtualDisk' | 'vmFiles' | 'iso' | 'other';
/** One item of a storage's contents, with the VMs that use it (none: unused). */
export interface StorageItem {
  /** The platform's id of the item (OVM VirtualDisk id, the VM's id for its files). */
  id: string;
  name: string;
  kind: StorageItemKind;
  /** Virtual size, bytes (absent where the platform does not say). */
  sizeBytes?: number;
  /** Where it lies inside the storage, as the platform writes it (OVM `/VirtualDisks/<id>.img`). */
  path?: string;
  /** The VMs using it: a disk's VMs, the VM whose files these are. */
  usedBy: { id: string; name: string }[];
}

/** A platform job's state in the product's words (PlatformJob.vendorState keeps the platform's own). */
export type PlatformJobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/**
 * A job of the platform's own job list (Oracle VM Manager's Job objects; vSphere's recent tasks could map here too),
 * as Provider.listPlatformJobs gives it. Times are epoch ms.
 */
export interface PlatformJob {
  id: string;
  name: string;
  state: PlatformJobState;
  /** The platform's state verbatim (OVM `jobRunState`: RUNNING, SUCCESS, FAILURE…). */
  vendorState: string;
  /** The latest progress message, verbatim. */
  progressMessage?: string;
  startTime?: number;
  endTime?: number;
  /** Who started it, as the platform names them. */
  user?: string;
  /** A failure's error, verbatim (OVM `error.message`, with `wsErrorCode` when given). */
  error?: string;
  /**
   * The signal (JobContext.signal) of the product's job following this one, while one does: links the platform's
   * job to the product's job that started it.
   */
  followedBy?: AbortSignal;
}

/** A network VMs attach to (Xen network, vSphere network or port group, OVM network). */
export interface NetworkInfo {
  /** The platform's reference (XAPI OpaqueRef, network moref, OVM network id): what RestoreOptions.networkMap takes. */
  id: string;
  /** The network's uuid where the platform has one besides `id` (Xen). */
  uuid?: string;
  name: string;
  /** The platform's type of it, e.g. `network` (Xen), `Network`, `DistributedVirtualPortgroup` (vSphere). */
  type?: string;
  /**
   * What a backed-up NIC names besides the network's name (Xen: the bridge, `xenbr0`; Oracle VM: the network id a
   * vm.cfg `vif` names as `bridge=`): a NIC whose network name is not on the target falls back to it.
   */
  bridge?: string;
  /** Xen: no PIF connects it to a physical interface (an internal, isolated network). */
  isolated?: boolean;
}

/**
 * How a restored VM comes back: `new` (new uuid and MAC addresses), `keepMacs` (a new VM with the backed-up MAC
 * addresses), `replace` (the original is replaced, keeping its uuid and MACs: XAPI's full restore).
 */
export type RestoreMode = 'new' | 'keepMacs' | 'replace';

/** A kind of placement a restore can be aimed at (RestoreCapabilities): the platform's own word for it. */
export type PlacementKind = 'host' | 'cluster' | 'serverPool' | 'resourcePool' | 'folder';

/** Each placement kind as the vendors write it in a sentence ("server pool": Oracle VM's own word). */
export const PLACEMENT_WORDS: Record<PlacementKind, string> = {
  host: 'host',
  cluster: 'cluster',
  serverPool: 'server pool',
  resourcePool: 'resource pool',
  folder: 'VM folder',
};

/**
 * One place a restored VM can go (Provider.listPlacement): a host, cluster or server pool (the `container` of
 * RestorePlacement), a resource pool or a VM folder. `within`: the ids of the hosts or clusters a resource pool belongs
 * to (a pool is offered only under the container chosen). `path`: where it sits, for display (`DC0/vm/Apps`).
 */
export interface PlacementChoice {
  kind: PlacementKind;
  id: string;
  name: string;
  path?: string;
  detail?: string;
  within?: string[];
}

/**
 * What a restore can be aimed at on a platform: the wizard and the CLI ask only for what is declared here.
 * - `storage`: the platform's word for it (SR, datastore, repository); `storageRequired`: no default exists;
 *   `nic`: its word for a VM's network interface (VIF, NIC).
 * - `containers`: the kinds of container a VM can be put into, in the order offered (vSphere: host, cluster;
 *   Oracle VM: serverPool; Xen: none, the pool is the connection); `resourcePool`, `folder`: vSphere's.
 * - `networkMapping`: each backed-up NIC can be put on a chosen network; `powerOn`: start it afterwards.
 * - `modes`: the RestoreModes offered.
 */
export interface RestoreCapabilities {
  storage: string;
  storageRequired: boolean;
  nic: string;
  containers: Array<Extract<PlacementKind, 'host' | 'cluster' | 'serverPool'>>;
  resourcePool: boolean;
  folder: boolean;
  networkMapping: boolean;
  powerOn: boolean;
  modes: RestoreMode[];
}

/**
 * The snapshot operations a platform offers, each with when it applies. `memory`: the memory of a running VM can be
 * included (offered only for running VMs); `quiesce`: the guest's file systems quiesced through its tools (offered
 * only while they run); `deleteWithChildren`: deleting a snapshot can take its subtree along; `removeAll`,
 * `rename`: Provider.removeAllSnapshots / renameSnapshot exist.
 */
export interface SnapshotCapabilities {
  memory: boolean;
  quiesce: boolean;
  revert: boolean;
  deleteWithChildren: boolean;
  removeAll: boolean;
  rename: boolean;
}

/**
 * A metadata backup a platform offers, with its own name (`label`). `kind` is the catalog kind of the backup it makes
 * (manifest.ts BackupKind) and what Provider.backupMetadata / restoreMetadata take; `of` is what it is taken of: a
 * container kind (e.g. Xen `pool`, `host`) or `vm`. `restore`: restoreMetadata takes it back; `dryRun`: with a dry
 * run first.
 */
export interface MetadataBackupKind {
  kind: 'pool-metadata' | 'host' | 'vm-metadata';
  label: string;
  of: string;
  restore: boolean;
  dryRun: boolean;
}

/**
 * What a platform's provider does: the tree's menus, the pickers and the CLI offer exactly this, and the provider has
 * the optional methods it declares (snapshots → snapshot/revert/deleteSnapshot act; removeAll → removeAllSnapshots;
 * rename → renameSnapshot; consolidate → consolidate; metadataBackups → backupMetadata/restoreMetadata;
 * resetPowerState → resetPowerState).
 */
export interface Capabilities {
  /** Absent: the platform has no VM snapshots. */
  snapshots?: SnapshotCapabilities;
  /** Merge a VM's redundant delta disks (offered when VmInfo.consolidationNeeded). */
  consolidate: boolean;
  fullBackup: boolean;
  incrementalBackup: boolean;
  metadataBackups: MetadataBackupKind[];
  restoreToAlternateLocation: boolean;
  /** Where a VM restore can be aimed (present with fullBackup): the steps the wizard asks and the flags the CLI takes. */
  restore?: RestoreCapabilities;
  /** Reset the power state of a VM Suspended without its suspend disk (VmInfo.suspendDiskMissing). */
  resetPowerState: boolean;
  /** Backups and restores at once per host unless the connection says otherwise (absent: the JobManager's default). */
  concurrencyPerHost?: number;
  /** Provider.listStorageContents exists: a storage's virtual disks, VM files, ISOs can be listed. */
  storageContents?: boolean;
  /**
   * Provider.listPlatformJobs exists: the platform keeps its own job list, shown in the Jobs view under `label`
   * (Oracle VM: "Manager jobs").
   */
  platformJobs?: { label: string };
  /** VM backup forms offered (BackupOptions.format); absent: only the platform's image. */
  backupFormats?: ('image' | 'ovf')[];
  /**
   * VM backup methods offered, each with its trade-off (Oracle VM guide §12.2: cold clone, copy of the stopped VM's
   * files, hot clone); absent: the platform's one way (or its backupFormats). core/backupMethods.ts gives either as
   * one list for the pickers.
   */
  backupMethods?: BackupMethodInfo[];
}

/**
 * One way to back up a VM as the Back Up VM command offers it before it runs: its label, its trade-off (advantages
 * and disadvantages, one line), and what it needs from the user. `options` go into BackupOptions as they are.
 */
export interface BackupMethodInfo {
  /** Stable id (Oracle VM: `cold-clone`, `copy-stopped`, `hot-clone`; vSphere forms: `image`, `ovf`). */
  id: string;
  label: string;
  /** The trade-off, one line (`+ …` advantages, `− …` disadvantages), shown in the picker before it runs. */
  tradeOff: string;
  /** The BackupOptions fields this method sets. */
  options: { method?: string; format?: 'image' | 'ovf' };
  /** The vendor's guide recommends it (shown beside the label). */
  recommended?: boolean;
  /** It needs the VM stopped: a running VM is offered to be stopped first (BackupOptions.stop). */
  needsStopped?: boolean;
  /** It runs only after this warning is confirmed in a modal dialog (BackupOptions.confirmed). */
  confirm?: string;
}

/** Each platform's name in a sentence (a message, the CLI): the connection forms' `name` (ConnectionForm). */
export const PLATFORM_NAMES: Record<ConnectionProfile['platform'], string> = {
  xen: 'Citrix Hypervisor / XCP-ng',
  vmware: 'vSphere',
  oraclevm: 'Oracle VM',
};
