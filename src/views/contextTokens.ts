// The contextValue tokens of the Infrastructure tree's items, from the connection's capabilities and the object's
// state only (never its platform): package.json's menus match them with `viewItem =~ /(^|;)token(;|$)/`. No `vscode`
// import: tested in Node.
import { Capabilities, ContainerInfo, SnapshotInfo, VmInfo } from '../core/model';
import { applicableSnapshotOptions } from '../core/snapshotOptions';

/** contextValue tokens joined by ';' — menus match them with `viewItem =~ /(^|;)token(;|$)/`. */
export function contextValue(...tokens: Array<string | false | undefined>): string {
  return tokens.filter((t): t is string => !!t).join(';');
}

/** The metadata backups `caps` declares for an object of this kind (a container kind, or `vm`). */
export const metadataKindsOf = (caps: Capabilities, of: string) => caps.metadataBackups.filter((m) => m.of === of);

/** `container;<kind>` and canMetadataBackup / canMetadataRestore where a metadata backup of its kind is declared. */
export function containerTokens(c: ContainerInfo, caps: Capabilities): string {
  const kinds = metadataKindsOf(caps, c.kind);
  return contextValue(
    'container',
    c.kind,
    kinds.length > 0 && 'canMetadataBackup',
    kinds.some((k) => k.restore) && 'canMetadataRestore',
  );
}

/**
 * `vm;<powerState>` and what can be done to it now: canSnapshot; canSnapshotMemory (memory snapshots declared, the VM
 * running); canQuiesce (quiesce declared, the guest tools running); canDeleteAllSnapshots (it has snapshots);
 * canConsolidate (declared, and the VM needs it); canBackup; canMetadataBackup; canResetPowerState (declared, and its
 * suspend disk is missing).
 */
export function vmTokens(vm: VmInfo, caps: Capabilities): string {
  const s = caps.snapshots;
  const options = applicableSnapshotOptions(vm, caps);
  return contextValue(
    'vm',
    vm.powerState,
    !!s && 'canSnapshot',
    options.memory && 'canSnapshotMemory',
    options.quiesce && 'canQuiesce',
    !!s?.removeAll && vm.snapshotCount > 0 && 'canDeleteAllSnapshots',
    caps.consolidate && !!vm.consolidationNeeded && 'canConsolidate',
    caps.fullBackup && 'canBackup',
    metadataKindsOf(caps, 'vm').length > 0 && 'canMetadataBackup',
    caps.resetPowerState && !!vm.suspendDiskMissing && 'canResetPowerState',
  );
}

/**
 * `snapshot`, `current` for "You are here", and canRevert, canDelete, canDeleteWithChildren (declared, and it has
 * children), canRename.
 */
export function snapshotTokens(snapshot: SnapshotInfo, all: SnapshotInfo[], caps: Capabilities): string {
  const s = caps.snapshots;
  const hasChildren = all.some((x) => x.parentId === snapshot.id);
  return contextValue(
    'snapshot',
    snapshot.isCurrent && 'current',
    !!s?.revert && 'canRevert',
    !!s && 'canDelete',
    !!s?.deleteWithChildren && hasChildren && 'canDeleteWithChildren',
    !!s?.rename && 'canRename',
  );
}

/** Whether a contextValue has a token. */
export const hasToken = (value: string, token: string) => value.split(';').includes(token);
