// Live values for documents the product opened on a platform (a VCB catalog copy: datastore names, VM folders,
// resource pools and hosts of the vSphere inventory), handed to the completion provider by document URI.
import * as vscode from 'vscode';
import { LiveValues } from '../formats';

const byUri = new Map<string, LiveValues>();
/** By scheme and decoded path: a URI's string form may be encoded differently once VS Code has opened it. */
const keyOf = (uri: vscode.Uri) => `${uri.scheme}:${uri.path}`;

/** Offers `values` in the completion of the document at `uri` until it is closed (or `undefined` is set). */
export function setLiveValues(uri: vscode.Uri, values: LiveValues | undefined): void {
  if (values) byUri.set(keyOf(uri), values);
  else byUri.delete(keyOf(uri));
}

/** The live values of a document, if the product gave it some. */
export function liveValuesFor(document: vscode.TextDocument): LiveValues | undefined {
  return byUri.get(keyOf(document.uri));
}

/** Forgets a document's values when it is closed. */
export function registerLiveValues(): vscode.Disposable {
  return vscode.workspace.onDidCloseTextDocument((d) => byUri.delete(keyOf(d.uri)));
}
