// The lab's entries in .vmbackup/connections.yaml: added (or replaced by name) with yaml's Document API, so the user's
// comments, layout and other connections survive, and removed again when the lab stops.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { CONNECTIONS_FILE, parseConnections } from '../core/connections';
import { ConnectionProfile } from '../core/model';

const HEADER = '# VM Backup Explorer connections. Passwords are not stored here (SecretStorage).\n';

function edit(workspace: string, change: (items: unknown[], doc: ReturnType<typeof parseDocument>) => void): void {
  const file = path.join(workspace, CONNECTIONS_FILE);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : HEADER + 'connections: []\n';
  const doc = parseDocument(text);
  if (!isSeq(doc.get('connections'))) doc.set('connections', doc.createNode([]));
  const list = doc.get('connections');
  if (!isSeq(list)) throw new Error(`${CONNECTIONS_FILE}: "connections" is not a list`);
  change(list.items, doc);
  if (list.items.length) list.flow = false;
  const out = doc.toString();
  const checked = parseConnections(out);
  if (checked.errors.length) throw new Error(`${CONNECTIONS_FILE}: ${checked.errors.join('; ')}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out);
}

const named = (item: unknown, name: string) => isMap(item) && item.get('name') === name;

/**
 * Adds the lab's connections to the workspace's connections.yaml, each replacing an entry of the same name in place;
 * every other entry and every comment is kept. Throws (writing nothing) when the result would not validate.
 */
export function addLabConnections(workspace: string, profiles: ConnectionProfile[]): void {
  edit(workspace, (items, doc) => {
    for (const p of profiles) {
      const node = doc.createNode(p);
      const at = items.findIndex((i) => named(i, p.name));
      if (at >= 0) items[at] = node;
      else items.push(node);
    }
  });
}

/**
 * Removes the entries the lab wrote (same name and URL: an entry the user changed since is left alone) — their ports
 * are dead once the lab stops. Nothing happens when the file is gone.
 */
export function removeLabConnections(workspace: string, profiles: ConnectionProfile[]): void {
  if (!fs.existsSync(path.join(workspace, CONNECTIONS_FILE))) return;
  edit(workspace, (items) => {
    for (const p of profiles) {
      const at = items.findIndex((i) => named(i, p.name) && isMap(i) && i.get('url') === p.url);
      if (at >= 0) items.splice(at, 1);
    }
  });
}
