// The command ids registered at activation: each a stub that loads the handlers (commandTable.ts, dist/commands.js)
// the first time one of them runs. commandTable.ts is typed by this list, so a handler cannot be left out.

/** Every command id of the VM Backup Explorer views and palette (package.json contributes.commands). */
export const COMMAND_IDS = [
  'vmbackup.addConnection',
  'vmbackup.removeConnection',
  'vmbackup.refresh',
  'vmbackup.createSnapshot',
  'vmbackup.createSnapshotWithMemory',
  'vmbackup.createQuiescedSnapshot',
  'vmbackup.revertSnapshot',
  'vmbackup.deleteSnapshot',
  'vmbackup.deleteSnapshotWithChildren',
  'vmbackup.deleteAllSnapshots',
  'vmbackup.renameSnapshot',
  'vmbackup.consolidateVm',
  'vmbackup.backupVm',
  'vmbackup.restoreVm',
  'vmbackup.backupMetadata',
  'vmbackup.restoreMetadata',
  'vmbackup.verifyBackup',
  'vmbackup.openCatalog',
  'vmbackup.cancelJob',
  'vmbackup.showJobLog',
  'vmbackup.cleanup',
  'vmbackup.resetPowerState',
  'vmbackup.openDemoLab',
  'vmbackup.loadMore',
  'vmbackup.pinCertificate',
  'vmbackup.runManagerRestore',
  'vmbackup.vcbAddHost',
  'vmbackup.vcbPinHostKey',
  'vmbackup.vcbOpenConfig',
  'vmbackup.vcbBackUp',
  'vmbackup.vcbBackUpGroup',
  'vmbackup.vcbRestore',
  'vmbackup.vcbRunCatalogRestore',
  'vmbackup.vcbRestoreBackup',
  'vmbackup.vcbRestoreGroup',
  'vmbackup.vcbFindVms',
  'vmbackup.vcbCleanUp',
  'vmbackup.vcbMountFiles',
  'vmbackup.vcbUnmount',
] as const;

/** One of COMMAND_IDS. */
export type CommandId = (typeof COMMAND_IDS)[number];
