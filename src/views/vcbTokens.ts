// contextValue tokens of the VCB nodes and of the nodes VCB adds to (a VMware connection, a VM of a connection that
// has VCB hosts). package.json's menus match them with `viewItem =~ /(^|;)token(;|$)/`. No vscode import.
import { ConnectionProfile } from '../core/model';
import { contextValue } from './contextTokens';
import { VcbNode } from './vcbNodeTypes';

/**
 * The extra token of a connection: canAddVcbHost when VCB hosts may belong to it (VcbProvider.open accepts only
 * VMware connections: VCB acts on a vSphere inventory), and hasVcbHosts when it has one.
 */
export function vcbConnectionTokens(profile: ConnectionProfile | undefined): string {
  return contextValue(profile?.platform === 'vmware' && 'canAddVcbHost', !!profile?.vcbHosts?.length && 'hasVcbHosts');
}

/** The extra tokens of a VM whose connection has a VCB host: canVcbBackup (full VM) and canVcbMount (file level). */
export function vcbVmTokens(profile: ConnectionProfile | undefined): string {
  const has = !!profile?.vcbHosts?.length;
  return contextValue(has && 'canVcbBackup', has && 'canVcbMount');
}

/** A VCB node's contextValue. */
export function vcbNodeTokens(node: VcbNode): string {
  switch (node.kind) {
    case 'vcbHost':
      return contextValue('vcbHost', 'canVcbBackupGroup', 'canVcbRestore', 'canVcbFindVms', 'canVcbCleanUp');
    case 'vcbConfig':
      return contextValue('vcbConfig', 'canOpenVcbConfig');
    case 'vcbSnapshot':
      return contextValue('vcbSnapshot', 'canVcbCleanUp');
    case 'vcbMount':
      return contextValue('vcbMount', 'canVcbUnmount');
    case 'vcbMountEntry':
      return contextValue('vcbMountEntry', node.isDirectory ? 'folder' : 'file');
    case 'vcbError':
      return contextValue('vcbError', 'canRetry', !!node.unpinned && 'canPinHostKey');
  }
}
