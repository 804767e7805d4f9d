// Every command's handler, by command id: the bundle dist/commands.js, required by the first command that runs
// (registerCommands.ts registers thin stubs at activation; the tree paints without any of this).
import { CommandContext } from '../ui/commandContext';
import { CommandId } from './commandIds';
import { addConnection } from './addConnection';
import { backupMetadata } from './backupMetadata';
import { backupVm } from './backupVm';
import { cancelJob } from './cancelJob';
import { cleanup } from './cleanup';
import { consolidateVm } from './consolidateVm';
import { createQuiescedSnapshot } from './createQuiescedSnapshot';
import { createSnapshot } from './createSnapshot';
import { createSnapshotWithMemory } from './createSnapshotWithMemory';
import { deleteAllSnapshots } from './deleteAllSnapshots';
import { deleteSnapshot } from './deleteSnapshot';
import { deleteSnapshotWithChildren } from './deleteSnapshotWithChildren';
import { loadMore } from './loadMore';
import { openCatalog } from './openCatalog';
import { openDemoLab } from './openDemoLab';
import { pinCertificate } from './pinCertificate';
import { refresh } from './refresh';
import { removeConnection } from './removeConnection';
import { resetPowerState } from './resetPowerState';
import { renameSnapshot } from './renameSnapshot';
import { restoreMetadata } from './restoreMetadata';
import { restoreVm } from './restoreVm';
import { runManagerRestore } from './runManagerRestore';
import { revertSnapshot } from './revertSnapshot';
import { showJobLog } from './showJobLog';
import { verifyBackup } from './verifyBackup';
import { vcbAddHost } from './vcbAddHost';
import { vcbBackUp } from './vcbBackUp';
import { vcbBackUpGroup } from './vcbBackUpGroup';
import { vcbCleanUp } from './vcbCleanUp';
import { vcbFindVms } from './vcbFindVms';
import { vcbMountFiles } from './vcbMountFiles';
import { vcbOpenConfig } from './vcbOpenConfig';
import { vcbPinHostKey } from './vcbPinHostKey';
import { vcbRestore } from './vcbRestore';
import { vcbRestoreBackup } from './vcbRestoreBackup';
import { vcbRestoreGroup } from './vcbRestoreGroup';
import { vcbRunCatalogRestore } from './vcbRunCatalogRestore';
import { vcbUnmount } from './vcbUnmount';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (ctx: CommandContext, ...args: any[]) => Promise<unknown>;

/** The handler of each command id; `ctx` is the extension's, `args` what VS Code passes (the node, a URI, …). */
export const COMMANDS: Record<CommandId, Handler> = {
  'vmbackup.addConnection': addConnection,
  'vmbackup.removeConnection': removeConnection,
  'vmbackup.refresh': refresh,
  'vmbackup.createSnapshot': createSnapshot,
  'vmbackup.createSnapshotWithMemory': createSnapshotWithMemory,
  'vmbackup.createQuiescedSnapshot': createQuiescedSnapshot,
  'vmbackup.revertSnapshot': revertSnapshot,
  'vmbackup.deleteSnapshot': deleteSnapshot,
  'vmbackup.deleteSnapshotWithChildren': deleteSnapshotWithChildren,
  'vmbackup.deleteAllSnapshots': deleteAllSnapshots,
  'vmbackup.renameSnapshot': renameSnapshot,
  'vmbackup.consolidateVm': consolidateVm,
  'vmbackup.backupVm': backupVm,
  'vmbackup.restoreVm': restoreVm,
  'vmbackup.backupMetadata': backupMetadata,
  'vmbackup.restoreMetadata': restoreMetadata,
  'vmbackup.verifyBackup': verifyBackup,
  'vmbackup.openCatalog': openCatalog,
  'vmbackup.cancelJob': cancelJob,
  'vmbackup.showJobLog': showJobLog,
  'vmbackup.cleanup': cleanup,
  'vmbackup.resetPowerState': resetPowerState,
  'vmbackup.openDemoLab': openDemoLab,
  'vmbackup.loadMore': loadMore,
  'vmbackup.pinCertificate': pinCertificate,
  'vmbackup.runManagerRestore': runManagerRestore,
  'vmbackup.vcbAddHost': vcbAddHost,
  'vmbackup.vcbPinHostKey': vcbPinHostKey,
  'vmbackup.vcbOpenConfig': vcbOpenConfig,
  'vmbackup.vcbBackUp': vcbBackUp,
  'vmbackup.vcbBackUpGroup': vcbBackUpGroup,
  'vmbackup.vcbRestore': vcbRestore,
  'vmbackup.vcbRunCatalogRestore': vcbRunCatalogRestore,
  'vmbackup.vcbRestoreBackup': vcbRestoreBackup,
  'vmbackup.vcbRestoreGroup': vcbRestoreGroup,
  'vmbackup.vcbFindVms': vcbFindVms,
  'vmbackup.vcbCleanUp': vcbCleanUp,
  'vmbackup.vcbMountFiles': vcbMountFiles,
  'vmbackup.vcbUnmount': vcbUnmount,
};
