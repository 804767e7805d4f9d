// The one place command ids are bound to their handlers; every handler runs inside the shared error policy.
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { handleErrors } from '../ui/handleErrors';
import { addConnection } from './addConnection';
import { backupHost } from './backupHost';
import { backupPoolMetadata } from './backupPoolMetadata';
import { backupVm } from './backupVm';
import { cancelJob } from './cancelJob';
import { cleanup } from './cleanup';
import { createSnapshot } from './createSnapshot';
import { deleteSnapshot } from './deleteSnapshot';
import { loadMore } from './loadMore';
import { openCatalog } from './openCatalog';
import { openDemoLab } from './openDemoLab';
import { pinCertificate } from './pinCertificate';
import { refresh } from './refresh';
import { removeConnection } from './removeConnection';
import { resetPowerState } from './resetPowerState';
import { restorePoolMetadata } from './restorePoolMetadata';
import { restoreVm } from './restoreVm';
import { revertSnapshot } from './revertSnapshot';
import { showJobLog } from './showJobLog';
import { verifyBackup } from './verifyBackup';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (ctx: CommandContext, ...args: any[]) => Promise<unknown>;

export const COMMANDS: Record<string, Handler> = {
  'vmbackup.addConnection': addConnection,
  'vmbackup.removeConnection': removeConnection,
  'vmbackup.refresh': refresh,
  'vmbackup.createSnapshot': createSnapshot,
  'vmbackup.revertSnapshot': revertSnapshot,
  'vmbackup.deleteSnapshot': deleteSnapshot,
  'vmbackup.backupVm': backupVm,
  'vmbackup.restoreVm': restoreVm,
  'vmbackup.backupPoolMetadata': backupPoolMetadata,
  'vmbackup.restorePoolMetadata': restorePoolMetadata,
  'vmbackup.backupHost': backupHost,
  'vmbackup.verifyBackup': verifyBackup,
  'vmbackup.openCatalog': openCatalog,
  'vmbackup.cancelJob': cancelJob,
  'vmbackup.showJobLog': showJobLog,
  'vmbackup.cleanup': cleanup,
  'vmbackup.resetPowerState': resetPowerState,
  'vmbackup.openDemoLab': openDemoLab,
  'vmbackup.loadMore': loadMore,
  'vmbackup.pinCertificate': pinCertificate,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handleErrors(ctx.log, id, () => handler(ctx, ...args))),
  );
}
