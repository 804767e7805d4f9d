// What the Xen (XCP-ng / Citrix Hypervisor) provider does, in the platform's own names.
import { Capabilities } from '../../core/model';

/**
 * Snapshots are XAPI's VM.snapshot (disks only: no memory — VM.checkpoint is not offered — and no quiesce, which
 * XenServer 7 removed); revert; delete one (a XAPI snapshot's children stay). Metadata backups: the pool database
 * (`/pool/xmldbdump`, restored with a dry run first), the host's control domain (`/host_backup`, not restored by this
 * tool: `xe host-restore` on the reinstalled host) and a VM's metadata (`export?metadata=true`). Concurrency: the
 * JobManager's default.
 */
export const xenCapabilities: Capabilities = {
  snapshots: {
    memory: false,
    quiesce: false,
    revert: true,
    deleteWithChildren: false,
    removeAll: false,
    rename: false,
  },
  consolidate: false,
  fullBackup: true,
  incrementalBackup: false,
  metadataBackups: [
    { kind: 'pool-metadata', label: 'Pool database', of: 'pool', restore: true, dryRun: true },
    { kind: 'host', label: 'Host (dom0) backup', of: 'host', restore: false, dryRun: false },
    { kind: 'vm-metadata', label: 'VM metadata', of: 'vm', restore: false, dryRun: false },
  ],
  restoreToAlternateLocation: true,
  // xenRestore.ts: an SR (the pool default when none), each VIF on a network, new / same MACs / xapi's full restore,
  // VM.start afterwards. The pool is the connection: no container to choose (another pool: another connection).
  restore: {
    storage: 'SR',
    nic: 'VIF',
    storageRequired: false,
    containers: [],
    resourcePool: false,
    folder: false,
    networkMapping: true,
    powerOn: true,
    modes: ['new', 'keepMacs', 'replace'],
  },
  resetPowerState: true,
};
