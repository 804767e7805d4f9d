// Tree items shared by the views: a level that failed to load, and the paging row.
import * as vscode from 'vscode';
import { ErrorNode, LoadMoreNode } from './nodes';
import { escapeControlChars as esc } from '../core/controlChars';

/** A failed level: the vendor's message, an error icon, and a click that retries (`retryCommand` gets the node). */
export function errorItem(node: ErrorNode, retryCommand: string): vscode.TreeItem {
  const item = new vscode.TreeItem(esc(node.message), vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = `${esc(node.message)}\n\nClick to retry.`;
  item.contextValue = node.untrusted ? 'error;canRetry;canPinCertificate' : 'error;canRetry';
  item.command = { command: retryCommand, title: 'Retry', arguments: [node] };
  return item;
}

/** The "Load more…" row of a paged level; runs vmbackup.loadMore with the node. */
export function loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'loadMore';
  item.command = { command: 'vmbackup.loadMore', title: 'Load more', arguments: [node] };
  return item;
}
