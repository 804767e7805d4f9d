// The one place command ids are bound to their handlers; every handler runs inside the shared error policy.
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { handleErrors } from '../ui/handleErrors';
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
type Handler = (ctx: CommandContext, ...args: any[]) => Promise<unknown>;

export const COMMANDS: Record<string, Handler> = {
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

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handleErrors(ctx.log, id, () => handler(ctx, ...args))),
  );
}
