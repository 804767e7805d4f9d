// The VCB branch of the Infrastructure tree: under a VMware connection its VCB hosts; under a host its backuptools.conf,
// the file-level mounts made from it, and VCB's own backup snapshots found in vSphere (cleanup candidates, exact VCB
// names only). A host that cannot be reached shows why; an unpinned SSH host key shows the fingerprint to pin.
import * as vscode from 'vscode';
import { UntrustedCertificateError } from '../core/errors';
import { escapeControlChars as esc } from '../core/controlChars';
import { mask } from '../core/secrets';
import { ConnectionProfile } from '../core/model';
import { VcbSessions } from '../ui/vcbSessions';
import { vcbUri } from '../ui/vcbFileSystem';
import { InfraNode } from './nodes';
import {
  VcbConfigNode,
  VcbErrorNode,
  VcbHostNode,
  VcbMountEntryNode,
  VcbMountNode,
  VcbNode,
  VcbSnapshotNode,
  vcbHostId,
} from './vcbNodeTypes';
import { vcbNodeTokens } from './vcbTokens';

export class VcbBranch {
  constructor(private readonly sessions: VcbSessions) {}

  /** The VCB host nodes of a connection (profile.vcbHosts), under its node `parentKey`. */
  hostNodes(parentKey: string, profile: ConnectionProfile | undefined): VcbHostNode[] {
    return (profile?.vcbHosts ?? []).map((host) => ({
      kind: 'vcbHost',
      key: `${parentKey}/vcb:${vcbHostId(host)}`,
      connection: profile!.name,
      host,
    }));
  }

  async children(node: VcbNode): Promise<InfraNode[]> {
    switch (node.kind) {
      case 'vcbHost':
        return this.hostChildren(node);
      case 'vcbMount':
      case 'vcbMountEntry':
        return this.mountChildren(node);
      default:
        return [];
    }
  }

  item(node: VcbNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    let item: vscode.TreeItem;
    switch (node.kind) {
      case 'vcbHost':
        item = new vscode.TreeItem(esc(vcbHostId(node.host)), C.Collapsed);
        item.description = `VCB host · ${esc(node.host.username)}`;
        item.iconPath = new vscode.ThemeIcon('server-process');
        break;
      case 'vcbConfig':
        item = new vscode.TreeItem(esc(node.path.slice(node.path.lastIndexOf('/') + 1)), C.None);
        item.description = `${esc(node.path)} · mode ${node.mode.toString(8).padStart(4, '0')}${node.errors ? ` · ${node.errors} problem(s)` : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.errors ? 'warning' : 'gear');
        item.command = {
          command: 'vscode.open',
          title: 'Open',
          arguments: [
            vcbUri({ connection: node.connection, hostId: vcbHostId(node.host), kind: 'conf', remotePath: node.path }),
          ],
        };
        break;
      case 'vcbSnapshot':
        item = new vscode.TreeItem(esc(node.name), C.None);
        item.description = `VM ${esc(node.vmName)} · VCB backup snapshot (cleanup candidate)`;
        item.iconPath = new vscode.ThemeIcon('history');
        break;
      case 'vcbMount':
        item = new vscode.TreeItem(`${esc(node.vmName)} (file level, read-only)`, C.Collapsed);
        item.description = esc(node.mountPoint);
        item.iconPath = new vscode.ThemeIcon('folder-library');
        break;
      case 'vcbMountEntry': {
        const name = node.rel.slice(node.rel.lastIndexOf('/') + 1);
        item = new vscode.TreeItem(esc(name), node.isDirectory ? C.Collapsed : C.None);
        item.iconPath = node.isDirectory ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
        if (!node.isDirectory) {
          item.description = `${node.size} bytes`;
          item.command = {
            command: 'vscode.open',
            title: 'Open',
            arguments: [
              vcbUri({
                connection: node.connection,
                hostId: vcbHostId(node.host),
                kind: 'mount',
                mountId: node.mountId,
                rel: node.rel,
              }),
            ],
          };
        }
        break;
      }
      case 'vcbError':
        item = new vscode.TreeItem(esc(node.message), C.None);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = `${esc(node.message)}${node.unpinned ? `\n\nOn the host, ${node.unpinned.howToCheck} prints its fingerprints.` : ''}\n\nClick to retry.`;
        item.command = { command: 'vmbackup.refresh', title: 'Retry', arguments: [this.hostNodeOf(node)] };
        break;
    }
    item.id = node.key;
    item.contextValue = vcbNodeTokens(node);
    return item;
  }

  private async hostChildren(node: VcbHostNode): Promise<InfraNode[]> {
    const hostId = vcbHostId(node.host);
    let provider;
    try {
      provider = await this.sessions.provider(node.connection, hostId);
    } catch (e) {
      return [this.errorNode(node, e)];
    }
    const conf = provider.config;
    const out: InfraNode[] = [
      {
        kind: 'vcbConfig',
        key: `${node.key}/conf`,
        connection: node.connection,
        host: node.host,
        path: conf.path,
        mode: conf.mode,
        errors: conf.diagnostics.filter((d) => d.severity === 'error').length,
      } satisfies VcbConfigNode,
    ];
    for (const m of this.sessions.mounts.values())
      if (m.connection === node.connection && vcbHostId(m.host) === hostId)
        out.push({
          kind: 'vcbMount',
          key: `${node.key}/mount:${m.id}`,
          connection: node.connection,
          host: node.host,
          mountId: m.id,
          vmName: m.mount.vmName,
          mountPoint: m.mount.mountPoint,
        } satisfies VcbMountNode);
    try {
      const snaps = await provider.vcbSnapshots();
      for (const s of snaps)
        out.push({
          kind: 'vcbSnapshot',
          key: `${node.key}/snap:${s.snapshotId}`,
          connection: node.connection,
          host: node.host,
          ...s,
        } satisfies VcbSnapshotNode);
      if (!snaps.length)
        out.push({
          kind: 'message',
          key: `${node.key}/nosnap`,
          message: 'No VCB backup snapshots in vSphere',
          icon: 'info',
        });
    } catch (e) {
      out.push(this.errorNode(node, e));
    }
    return out;
  }

  private async mountChildren(node: VcbMountNode | VcbMountEntryNode): Promise<InfraNode[]> {
    const m = this.sessions.mounts.get(node.mountId);
    if (!m) return [{ kind: 'message', key: `${node.key}/gone`, message: 'Unmounted', icon: 'info' }];
    const rel = node.kind === 'vcbMount' ? '' : node.rel;
    const rows = await m.mount.list(rel);
    if (!rows.length) return [{ kind: 'message', key: `${node.key}/empty`, message: 'Empty folder', icon: 'info' }];
    return rows
      .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
      .map((r): VcbMountEntryNode => ({
        kind: 'vcbMountEntry',
        key: `${node.key}/${r.name}`,
        connection: node.connection,
        host: node.host,
        mountId: node.mountId,
        rel: rel ? `${rel}/${r.name}` : r.name,
        isDirectory: r.isDirectory,
        size: r.size,
      }));
  }

  private errorNode(node: VcbHostNode, e: unknown): VcbErrorNode {
    const untrusted = e instanceof UntrustedCertificateError ? e : undefined;
    return {
      kind: 'vcbError',
      key: `${node.key}/error`,
      connection: node.connection,
      host: node.host,
      message: mask((e as Error)?.message ?? String(e)),
      code: untrusted?.code,
      unpinned:
        untrusted?.code === 'SSH_HOST_KEY_UNKNOWN'
          ? { fingerprint: untrusted.thumbprint, howToCheck: untrusted.howToCheck }
          : undefined,
    };
  }

  private hostNodeOf(node: VcbErrorNode): VcbHostNode {
    return { kind: 'vcbHost', key: node.key.replace(/\/error$/, ''), connection: node.connection, host: node.host };
  }
}
