// .vmbackup/connections.yaml: parsed with `yaml`, validated against schemas/connections.schema.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { isMap, isSeq, parse, parseDocument, stringify } from 'yaml';
import schema from '../../schemas/connections.schema.json';
import { ConnectionProfile, VcbHostProfile } from './model';

export const CONNECTIONS_FILE = path.join('.vmbackup', 'connections.yaml');
// errorMessage: the text the YAML extension (yaml-language-server) shows for a key; ajv only has to accept the keyword.
// Compiled on the first parse, not when the module loads (activation does not read connections.yaml).
let compiled: ValidateFunction | undefined;
const validator = (): ValidateFunction =>
  (compiled ??= new Ajv({ allErrors: true })
    .addKeyword({ keyword: 'errorMessage', schemaType: 'string' })
    .compile(schema));

export function parseConnections(text: string): { connections: ConnectionProfile[]; errors: string[] } {
  let data: unknown;
  try {
    data = parse(text) ?? {};
  } catch (err) {
    return { connections: [], errors: [(err as Error).message] };
  }
  const validateFn = validator();
  if (!validateFn(data)) {
    return {
      connections: [],
      errors: (validateFn.errors ?? []).map(
        (e) => passwordHint(e.instancePath, data) ?? `${e.instancePath || '/'} ${e.message}`,
      ),
    };
  }
  const list = (data as { connections?: ConnectionProfile[] }).connections ?? [];
  const names = new Set<string>();
  const errors: string[] = [];
  for (const c of list) {
    if (names.has(c.name)) errors.push(`duplicate connection name "${c.name}"`);
    names.add(c.name);
  }
  return { connections: errors.length ? [] : list, errors };
}

/** A `password:` key gets where passwords go instead of ajv's "must NOT be valid". */
function passwordHint(at: string, data: unknown): string | undefined {
  const m = /^\/connections\/(\d+)\/password$/.exec(at);
  if (!m) return undefined;
  const name = (data as { connections?: Array<{ name?: unknown }> }).connections?.[Number(m[1])]?.name;
  const env = typeof name === 'string' && name ? passwordEnvName(name) : 'VMBACKUP_PASSWORD_<NAME>';
  return (
    `${at}: passwords are not kept in connections.yaml — remove this key. In VS Code the extension asks once and keeps it in SecretStorage; ` +
    `the CLI reads ${env} or VMBACKUP_PASSWORD, else prompts on a terminal`
  );
}

export function loadConnections(workspace: string): { connections: ConnectionProfile[]; errors: string[] } {
  const file = path.join(workspace, CONNECTIONS_FILE);
  if (!fs.existsSync(file)) return { connections: [], errors: [] };
  return parseConnections(fs.readFileSync(file, 'utf8'));
}

export function saveConnections(workspace: string, connections: ConnectionProfile[]): void {
  const file = path.join(workspace, CONNECTIONS_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    '# VM Backup Explorer connections. Passwords are not stored here (SecretStorage).\n' + stringify({ connections }),
  );
}

/**
 * Sets one key of one connection in connections.yaml, keeping the file's comments and layout (yaml's Document API).
 * The result must still validate; otherwise nothing is written.
 */
export function setConnectionKey(
  workspace: string,
  name: string,
  key: 'thumbprint' | 'vcbHosts',
  value: string | VcbHostProfile[],
): void {
  const file = path.join(workspace, CONNECTIONS_FILE);
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const list = doc.get('connections');
  const item = isSeq(list) ? list.items.find((c) => isMap(c) && c.get('name') === name) : undefined;
  if (!isMap(item)) throw new Error(`${CONNECTIONS_FILE}: no connection named "${name}"`);
  item.set(key, doc.createNode(value));
  const text = doc.toString();
  const checked = parseConnections(text);
  if (checked.errors.length) throw new Error(`${CONNECTIONS_FILE}: ${checked.errors.join('; ')}`);
  fs.writeFileSync(file, text);
}

/** CLI secret lookup: VMBACKUP_PASSWORD_<NAME> (upper-case, non-alphanumerics as _) or VMBACKUP_PASSWORD. */
export function passwordFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[passwordEnvName(name)] ?? env.VMBACKUP_PASSWORD;
}

/** The environment variable that carries one connection's password: VMBACKUP_PASSWORD_<NAME>. */
export function passwordEnvName(name: string): string {
  return `VMBACKUP_PASSWORD_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
