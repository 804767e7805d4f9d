// GET/PUT /pool/xmldbdump: the pool database as xapi writes it (ocaml/database/db_xml.ml) and its restore
// (ocaml/xapi/pool_db_backup.ml): schema version check, member hosts dropped, the toolstack restart that makes the
// restored database take effect.
import { IncomingMessage, ServerResponse } from 'http';
import { XMLParser } from 'fast-xml-parser';
import { XapiError } from './errors';
import { authenticate, handlerTask } from './httpCommon';
import { RpcContext } from './rpc';
import { Rec, XapiStore } from './store';
import { toolstackOf } from './toolstack';
import { xmlEscape } from './xmlrpcValue';

/** datamodel_common.ml schema_major_vsn / schema_minor_vsn of the release the lab plays. */
export const SCHEMA = { major: 5, minor: 786 };

/** Tables xapi does not persist (Schema.is_table_persistent): written empty. */
const NOT_PERSISTED = new Set(['session', 'task']);

/** db_names.ml: a namespaced field (name/label, memory/static_max, VCPUs/max, …) is stored as `name__label`. */
const NAMESPACES = ['name', 'memory', 'VCPUs', 'HVM', 'PV', 'API_version', 'actions', 'snapshot_info'];
const columnOf = (field: string): string => {
  const ns = NAMESPACES.find((n) => field.startsWith(n + '_') && field !== n);
  return ns && ns !== 'snapshot_info' ? `${ns}__${field.slice(ns.length + 1)}` : field;
};
const fieldOf = (column: string): string => column.replace('__', '_');

/** Schema.CachedValue.string_of: sets as `('a' 'b')`, maps as `(('k' 'v'))`, scalars as text. */
const sq = (x: unknown): string => `'${String(x).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
function encodeField(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(sq).join(' ')})`;
  if (v && typeof v === 'object')
    return `(${Object.entries(v)
      .map(([k, x]) => `(${sq(k)} ${sq(x)})`)
      .join(' ')})`;
  return String(v);
}
function decodeField(template: unknown, s: string): unknown {
  if (typeof template === 'number') return Number(s);
  if (typeof template === 'boolean') return s === 'true';
  if (!Array.isArray(template) && !(template && typeof template === 'object')) return s;
  const atoms = [...s.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
  if (Array.isArray(template)) return atoms;
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < atoms.length; i += 2) o[atoms[i]] = atoms[i + 1];
  return o;
}

/** db_xml.ml To.database: manifest pairs, then every table with `<row ref __ctime __mtime _ref …/>`. */
export function dumpXml(store: XapiStore): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?><database><manifest><pair key="schema_major_vsn" value="${SCHEMA.major}"/><pair key="schema_minor_vsn" value="${SCHEMA.minor}"/><pair key="generation_count" value="${store.ctime.size}"/></manifest>`,
  ];
  for (const [cls, table] of store.tables) {
    out.push(`<table name="${cls}">`);
    if (!NOT_PERSISTED.has(cls)) {
      for (const [ref, rec] of table) {
        const c = store.ctime.get(ref) ?? 0;
        const attrs = Object.entries(rec)
          .map(([k, v]) => ` ${columnOf(k)}="${xmlEscape(encodeField(v))}"`)
          .join('');
        out.push(`<row ref="${ref}" __ctime="${c}" __mtime="${c}" _ref="${ref}"${attrs}/>`);
      }
    }
    out.push('</table>');
  }
  out.push('</database>');
  return out.join('');
}

type Tables = Map<string, Map<string, Rec>>;

/** db_xml.ml From + pool_db_backup.ml version_check: RESTORE_INCOMPATIBLE_VERSION [] on another schema. */
function parseDump(store: XapiStore, xml: string): Tables {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (n) => ['table', 'row', 'pair'].includes(n),
  }).parse(xml);
  const db = doc?.database;
  if (!db?.manifest) throw new XapiError('RESTORE_INCOMPATIBLE_VERSION', []);
  const pairs = Object.fromEntries(
    (db.manifest.pair ?? []).map((p: { key: string; value: string }) => [p.key, p.value]),
  );
  if (Number(pairs.schema_major_vsn) !== SCHEMA.major || Number(pairs.schema_minor_vsn) !== SCHEMA.minor)
    throw new XapiError('RESTORE_INCOMPATIBLE_VERSION', []);
  const tables: Tables = new Map();
  for (const t of db.table ?? []) {
    const cls = String(t.name);
    if (!store.tables.has(cls) || NOT_PERSISTED.has(cls)) continue;
    const template = (store.table(cls).values().next().value as Rec | undefined) ?? {};
    const rows = new Map<string, Rec>();
    for (const row of t.row ?? []) {
      const rec: Rec = {};
      for (const [col, v] of Object.entries(row as Record<string, string>)) {
        if (col === 'ref' || col === '_ref' || col.startsWith('__')) continue;
        const field = fieldOf(col);
        rec[field] = decodeField(template[field], String(v));
      }
      rows.set(String(row.ref), rec);
    }
    tables.set(cls, rows);
  }
  return tables;
}

/**
 * pool_db_backup.ml prepare_database_for_restore: every host but the master is removed. VDIs: the database does not
 * hold disks; after the restart the SR scan forgets records of VDIs that are not on their SR, so the lab keeps the
 * VDI records of the disks it has now (*assumed*: the lab stands its VDI table in for the SR's content).
 */
function applyRestore(store: XapiStore, tables: Tables): void {
  const pool = [...(tables.get('pool') ?? new Map()).values()][0];
  const hosts = tables.get('host');
  if (hosts && pool) for (const ref of [...hosts.keys()]) if (ref !== pool.master) hosts.delete(ref);
  const vdis = tables.get('VDI');
  if (vdis) for (const ref of [...vdis.keys()]) if (!store.get('VDI', ref)) vdis.delete(ref);
  for (const [cls, rows] of tables) {
    for (const ref of [...store.table(cls).keys()]) store.remove(cls, ref);
    for (const [ref, rec] of rows) store.add(cls, rec, ref);
  }
  for (const cls of ['session', 'task']) for (const ref of [...store.table(cls).keys()]) store.remove(cls, ref);
}

export function handleDbDump(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const task = handlerTask(ctx, q, req.method === 'PUT' ? 'Reading database as XML' : 'Writing database as XML');
  if (req.method === 'GET') {
    const body = dumpXml(ctx.store);
    res.writeHead(200, { 'task-id': task, 'content-type': 'text/xml', connection: 'close' });
    if (ctx.faults.stallDbDump) {
      res.write(body.slice(0, body.length >> 1));
      return;
    }
    res.end(body);
    ctx.tasks.succeed(task, '');
    return;
  }
  // push_database_restore_handler: 400 without a Content-Length (the task completes), else 200 before the body is read.
  if (req.headers['content-length'] === undefined) {
    ctx.tasks.succeed(task, '');
    res.writeHead(400, 'Bad Request', { 'task-id': task, connection: 'close' });
    res.end();
    return;
  }
  res.writeHead(200, { 'task-id': task, connection: 'close' });
  res.flushHeaders();
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    let tables: Tables;
    try {
      tables = parseDump(ctx.store, Buffer.concat(parts).toString('utf8'));
    } catch (e) {
      ctx.tasks.fail(task, e instanceof XapiError ? e.toArray() : ['INTERNAL_ERROR', String(e)]);
      res.end();
      return;
    }
    ctx.tasks.succeed(task, '');
    res.end();
    if (q.get('dry_run') !== 'true') toolstackOf(ctx.store).restartWith(() => applyRestore(ctx.store, tables));
  });
}
