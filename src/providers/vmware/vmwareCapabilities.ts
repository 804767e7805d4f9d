// What the vSphere provider does today.
import { Capabilities } from '../../core/model';

/**
 * Inventory; snapshots (vSphere API reference, VirtualMachine.CreateSnapshot_Task: `memory` only for a powered-on VM,
 * `quiesce` needs VMware Tools running), revert, delete one or with its children (RemoveSnapshot_Task removeChildren),
 * remove all (RemoveAllSnapshots_Task), rename (RenameSnapshot), consolidate (ConsolidateVMDisks_Task, when
 * runtime.consolidationNeeded); image backup of a VM (or its OVF export) and its restore to the original or another
 * place (or OVF import). No metadata
 * backups yet, no incremental (CBT) backups. Concurrency per host: 4, the Acronis guide's advice for image backups
 * through one agent (seeds/acronis-vm-backup-steps.ja.txt: "5~10 VMs at once" is where the agent's system requirements
 * must be checked).
 */
export const vmwareCapabilities: Capabilities = {
  snapshots: { memory: true, quiesce: true, revert: true, deleteWithChildren: true, removeAll: true, rename: true },
  consolidate: true,
  fullBackup: true,
  incrementalBackup: false,
  metadataBackups: [],
  restoreToAlternateLocation: true,
  // vmwareRestore.ts / vmwarePlacement.ts: datastore (default: the one the backup came from), host or cluster,
  // resource pool, VM folder, a network per NIC, PowerOnVM_Task afterwards; replacing the original is not offered.
  restore: {
    storage: 'datastore',
    nic: 'NIC',
    storageRequired: false,
    containers: ['host', 'cluster'],
    resourcePool: true,
    folder: true,
    networkMapping: true,
    powerOn: true,
    modes: ['new', 'keepMacs'],
  },
  resetPowerState: false,
  concurrencyPerHost: 4,
  // OVF export (ExportVm / ExportSnapshot + HttpNfcLease) and OVF import (ImportVApp): vmwareOvfExport/Import.ts.
  backupFormats: ['image', 'ovf'],
};
