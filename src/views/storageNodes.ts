// The Infrastructure tree's *Storage* group under each connection: its storage (Xen SRs, vSphere datastores, Oracle
// VM repositories) from Provider.listStorage with free space, and where the connection declares
// Capabilities.storageContents, what one storage holds (virtual disks with the VMs using them, VM files, ISOs).
import * as vscode from 'vscode';
import { Capabilities, StorageInfo, StorageItem, StorageItemKind } from '../core/model';
import { Provider } from '../core/provider';
import { formatBytes } from '../core/progress';
import { escapeControlChars as esc } from '../core/controlChars';
import { InfraNode, StorageGroupNode, StorageItemNode, StorageNode } from './nodes';

/** The label of the group every connection gets after its containers. */
export const STORAGE_GROUP_LABEL = 'Storage';

const ITEM_ICONS: Record<StorageItemKind, string> = {
  virtualDisk: 'database',
  vmFiles: 'file-code',
  iso: 'disc',
  other: 'file',
};
const KIND_WORDS: Record<StorageItemKind, string> = {
  virtualDisk: 'virtual disk',
  vmFiles: 'VM files',
  iso: 'ISO',
  other: 'file',
};

/** The Storage group node below a connection node (key `<connection key>/storage`). */
export function storageGroupNode(connectionKey: string, connection: string, caps: Capabilities): StorageGroupNode {
  return { kind: 'storageGroup', key: `${connectionKey}/storage`, connection, caps };
}

/**
 * The children of a Storage group (the connection's storage, by name) or of one storage (its contents, when the
 * provider lists them). A level with nothing in it is one message row. Rejects with the provider's error.
 */
export async function storageChildren(node: StorageGroupNode | StorageNode, provider: Provider): Promise<InfraNode[]> {
  if (node.kind === 'storageGroup') {
    const all = [...(await provider.listStorage())].sort((a, b) => a.name.localeCompare(b.name));
    if (!all.length) return [message(node.key, 'No storage')];
    return all.map((storage): StorageNode => ({
      kind: 'storage',
      key: `${node.key}/${storage.id}`,
      connection: node.connection,
      storage,
      caps: node.caps,
    }));
  }
  if (!node.caps.storageContents || !provider.listStorageContents) return [];
  const items = await provider.listStorageContents(node.storage.id);
  if (!items.length) return [message(node.key, `Nothing in ${node.storage.name || 'this storage'}`)];
  return items.map((item): StorageItemNode => ({
    kind: 'storageItem',
    key: `${node.key}/${item.kind}:${item.id}`,
    connection: node.connection,
    storage: node.storage,
    item,
  }));
}

/**
 * "type · 12.0 GiB free of 100 GiB · shared" or "… · local to <host>" (free space where the platform gives it; else
 * "free space unknown"; a local storage's host where the platform names it).
 */
export function storageDescription(s: StorageInfo): string {
  const space =
    s.freeBytes !== undefined && s.capacityBytes !== undefined
      ? `${formatBytes(s.freeBytes)} free of ${formatBytes(s.capacityBytes)}`
      : s.freeBytes !== undefined
        ? `${formatBytes(s.freeBytes)} free`
        : 'free space unknown';
  return [
    s.type,
    space,
    s.shared ? 'shared' : s.hostName ? `local to ${s.hostName}` : 'local',
    s.isDefault ? 'default' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** "virtual disk · 20.0 GiB · used by web01, app02" / "ISO · 4.00 MiB · unused". */
export function storageItemDescription(i: StorageItem): string {
  const users =
    i.kind === 'vmFiles' ? '' : i.usedBy.length ? `used by ${i.usedBy.map((v) => v.name).join(', ')}` : 'unused';
  return [KIND_WORDS[i.kind] ?? i.kind, i.sizeBytes !== undefined ? formatBytes(i.sizeBytes) : '', users]
    .filter(Boolean)
    .join(' · ');
}

/** The TreeItem of a Storage group, storage or storage item (names and paths from the server escaped). */
export function storageTreeItem(node: StorageGroupNode | StorageNode | StorageItemNode): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'storageGroup': {
      const item = new vscode.TreeItem(STORAGE_GROUP_LABEL, C.Collapsed);
      item.id = node.key;
      item.iconPath = new vscode.ThemeIcon('server-process');
      item.contextValue = 'storageGroup';
      return item;
    }
    case 'storage': {
      const s = node.storage;
      const item = new vscode.TreeItem(esc(s.name || s.id), node.caps.storageContents ? C.Collapsed : C.None);
      item.id = node.key;
      item.description = esc(storageDescription(s));
      item.tooltip = lines([
        `${s.name} (${s.type})`,
        `id: ${s.id}`,
        storageDescription(s),
        s.hostId ? `host: ${s.hostId}` : '',
      ]);
      item.iconPath = new vscode.ThemeIcon('database');
      item.contextValue = 'storage';
      return item;
    }
    case 'storageItem': {
      const i = node.item;
      const item = new vscode.TreeItem(esc(i.name), C.None);
      item.id = node.key;
      item.description = esc(storageItemDescription(i));
      item.tooltip = lines([
        i.name,
        `id: ${i.id}`,
        i.path ? `path: ${i.path}` : '',
        i.usedBy.length ? `VMs: ${i.usedBy.map((v) => v.name).join(', ')}` : '',
      ]);
      item.iconPath = new vscode.ThemeIcon(ITEM_ICONS[i.kind] ?? 'file');
      item.contextValue = `storageItem;${i.kind}`;
      return item;
    }
  }
}

/** Tooltip lines, each with its control characters escaped, empty ones left out. */
const lines = (parts: string[]) =>
  parts
    .filter(Boolean)
    .map((l) => esc(l))
    .join('\n');

const message = (key: string, text: string): InfraNode => ({
  kind: 'message',
  key: `${key}/msg`,
  message: text,
  icon: 'info',
});
