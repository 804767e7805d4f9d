/**
 * What the VCB provider does, over SSH on an ESX service console with the guide's tools: full-VM backup (vcbMounter
 * -t fullvm) to a service-console folder, to scp:// or into the repository; file-level mount, browse and unmount;
 * group backup and restore (vcbSnapAll / vcbResAll); restore to the original place or through an edited catalog copy
 * (vcbRestore -s [-a] -b); VM lookup (vcbVmName); cleanup (vcbCleanup and VCB's own snapshots in vSphere).
 */
export const vcbCapabilities = {
  fullVmBackup: true,
  fileLevelMount: true,
  groupBackup: true,
  restoreOriginal: true,
  restoreViaCatalogCopy: true,
  findVms: true,
  cleanup: true,
  /** Incremental backups: VCB 1.x has none. */
  incrementalBackup: false,
} as const;
