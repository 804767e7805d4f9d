// The Infrastructure tree's VCB nodes (issue #14): a VMware connection's VCB hosts (profile.vcbHosts) and what lies
// under one — its backuptools.conf, VCB's own backup snapshots found in vSphere, file-level mounts and their files.
// Plain data, no vscode import: vcbNodes.ts turns them into TreeItems, vcbTokens.ts gives their menu tokens.
import { VcbHostProfile } from '../core/model';

/** A VCB host of connection `connection` (an ESX service console or a Linux backup proxy reached over SSH). */
export interface VcbHostNode {
  kind: 'vcbHost';
  key: string;
  connection: string;
  host: VcbHostProfile;
}
/** The backuptools.conf the VCB host's tools read (its path on the host, its permission bits, the editor's problems). */
export interface VcbConfigNode {
  kind: 'vcbConfig';
  key: string;
  connection: string;
  host: VcbHostProfile;
  path: string;
  mode: number;
  errors: number;
}
/** A snapshot named exactly as VCB names its backup snapshots (`_VCB-BACKUP_` / `_VCB_BACKUP_`): a cleanup candidate. */
export interface VcbSnapshotNode {
  kind: 'vcbSnapshot';
  key: string;
  connection: string;
  host: VcbHostProfile;
  snapshotId: string;
  name: string;
  vmId: string;
  vmName: string;
}
/** A file-level mount (vcbMounter -t file) this window made; `mountId` names it in the vmbackup-vcb: file system. */
export interface VcbMountNode {
  kind: 'vcbMount';
  key: string;
  connection: string;
  host: VcbHostProfile;
  mountId: string;
  vmName: string;
  mountPoint: string;
}
/** A folder or file inside a mount; `rel` is its path inside the mount ('' = the mount point). */
export interface VcbMountEntryNode {
  kind: 'vcbMountEntry';
  key: string;
  connection: string;
  host: VcbHostProfile;
  mountId: string;
  rel: string;
  isDirectory: boolean;
  size: number;
}
/**
 * The VCB host could not be reached or read: the message, and when its SSH host key is not pinned yet
 * (SSH_HOST_KEY_UNKNOWN) the fingerprint it presented, to check and pin. A changed key (SSH_HOST_KEY_MISMATCH) is
 * refused and offers no pin.
 */
export interface VcbErrorNode {
  kind: 'vcbError';
  key: string;
  connection: string;
  host: VcbHostProfile;
  message: string;
  code?: string;
  unpinned?: { fingerprint: string; howToCheck: string };
}

export type VcbNode = VcbHostNode | VcbConfigNode | VcbSnapshotNode | VcbMountNode | VcbMountEntryNode | VcbErrorNode;

const VCB_KINDS: ReadonlySet<string> = new Set([
  'vcbHost',
  'vcbConfig',
  'vcbSnapshot',
  'vcbMount',
  'vcbMountEntry',
  'vcbError',
]);

/** Whether a tree node is one of the VCB nodes. */
export function isVcbNode(node: unknown): node is VcbNode {
  return !!node && typeof node === 'object' && VCB_KINDS.has(String((node as { kind?: unknown }).kind));
}

/** `host:port` of a VCB host: how it is named in keys, URIs and `vcbHostOf`. */
export function vcbHostId(host: VcbHostProfile): string {
  return `${host.host}:${host.port ?? 22}`;
}
