// GET/PUT /pool/xmldbdump: XML database dump and restore of the VM table.
import { IncomingMessage, ServerResponse } from 'http';
import { authenticate, handlerTask, httpError } from './httpCommon';
import { vmRecord } from './records';
import { RpcContext } from './rpc';
import { Rec, XapiStore } from './store';
import { xmlEscape } from './xmlrpcValue';

const sq = (x: unknown): string => `'${String(x).replace(/'/g, "\\'")}'`;
function encodeField(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(sq).join(' ')})`;
  if (v && typeof v === 'object') return `(${Object.entries(v).map(([k, x]) => `(${sq(k)} ${sq(x)})`).join(' ')})`;
  return String(v);
}
function decodeField(template: unknown, s: string): unknown {
  if (typeof template === 'number') return Number(s);
  if (typeof template === 'boolean') return s === 'true';
  const atoms = [...s.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\'/g, "'"));
  if (Array.isArray(template)) return atoms;
  if (template && typeof template === 'object') {
    const o: Record<string, string> = {};
    for (let i = 0; i + 1 < atoms.length; i += 2) o[atoms[i]] = atoms[i + 1];
    return o;
  }
  return s;
}

export function dumpXml(store: XapiStore): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?><database><manifest><pair key="schema_major_vsn" value="5"/><pair key="schema_minor_vsn" value="786"/><pair key="generation_count" value="1"/></manifest>'];
  for (const [cls, table] of store.tables) {
    if (cls === 'session') continue;
    out.push(`<table name="${cls}">`);
    for (const [ref, rec] of table) {
      const c = store.ctime.get(ref) ?? 0;
      const attrs = Object.entries(rec).map(([k, v]) => ` ${k.replace(/\./g, '__')}="${xmlEscape(encodeField(v))}"`).join('');
      out.push(`<row ref="${ref}" __ctime="${c}" __mtime="${c}"${attrs}/>`);
    }
    out.push('</table>');
  }
  out.push('</database>');
  return out.join('');
}

const unesc = (s: string): string => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function parseVmRows(xml: string): Map<string, Rec> {
  if (!/<database>[\s\S]*<\/database>/.test(xml)) throw new Error('not a database dump');
  const table = /<table name="VM">([\s\S]*?)<\/table>/.exec(xml);
  const rows = new Map<string, Rec>();
  const tmpl = vmRecord('');
  for (const m of (table?.[1] ?? '').matchAll(/<row ([^>]*?)\/>/g)) {
    const attrs = Object.fromEntries([...m[1].matchAll(/([\w]+)="([^"]*)"/g)].map((a) => [a[1], unesc(a[2])]));
    const rec: Rec = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'ref' || k.startsWith('__')) continue;
      rec[k] = decodeField((tmpl as Rec)[k], v);
    }
    rows.set(attrs.ref, rec);
  }
  return rows;
}

export function handleDbDump(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const task = handlerTask(ctx, q, req.method === 'PUT' ? 'pool.restore_database' : 'pool.dump_database');
  if (req.method === 'GET') {
    const body = dumpXml(ctx.store);
    res.writeHead(200, { 'task-id': task, 'content-type': 'text/xml' });
    res.end(body);
    ctx.tasks.succeed(task, '');
    return;
  }
  if (req.headers['content-length'] === undefined) return httpError(res, 400, 'Content-Length required');
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    let rows: Map<string, Rec>;
    try {
      rows = parseVmRows(Buffer.concat(parts).toString('utf8'));
    } catch (e) {
      ctx.tasks.fail(task, ['RESTORE_INCOMPATIBLE_VERSION', String(e)]);
      return httpError(res, 500, String(e), { 'task-id': task });
    }
    if (q.get('dry_run') !== 'true') {
      const vms = ctx.store.table('VM');
      for (const ref of [...vms.keys()]) if (!rows.has(ref)) ctx.store.remove('VM', ref);
      for (const [ref, rec] of rows) {
        const cur = vms.get(ref);
        if (cur) Object.assign(cur, rec); // power_state kept as dumped: Suspended stays Suspended
        else ctx.store.add('VM', { ...vmRecord(''), ...rec }, ref);
      }
    }
    res.writeHead(200, { 'task-id': task, 'content-length': 0 });
    res.end();
    ctx.tasks.succeed(task, '');
  });
}
