// PUT /import: streamed XVA parse with per-chunk XXH64 verification; creates a Halted VM.
import { IncomingMessage, ServerResponse } from 'http';
import { createGunzip } from 'zlib';
import { Writable } from 'stream';
import { XapiError } from './errors';
import { authenticate, handlerTask, httpError } from './httpCommon';
import { addVif, attachDisk, newVdi, vmAllowedOps, vmRecord } from './records';
import { RpcContext } from './rpc';
import { NULL_REF, Rec } from './store';
import { collectEntry, skipEntry, TarParser } from './tar';
import { xxh64Stream } from './xxhash64';
import { redirectIfElsewhere } from './placement';
import { parseXmlRpcValue } from './xmlrpcValue';

interface OvaObj { class: string; id: string; snapshot: Rec }

/** ova.xml describes a VM, its disks and networks: kilobytes. More is not an XVA. */
const MAX_OVA_XML_BYTES = 16 << 20;

export function handleImport(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const s = ctx.store;
  const srId = q.get('sr_id') ?? s.pool().rec.default_SR;
  if (!s.get('SR', srId)) throw new XapiError(srId === NULL_REF ? 'DEFAULT_SR_NOT_FOUND' : 'HANDLE_INVALID', srId === NULL_REF ? [srId] : ['SR', srId]);
  // import.ml: an SR this host cannot see → 302 to one that can, answered before the body is read.
  if (redirectIfElsewhere(ctx, req, res, [srId], q)) return;
  if (/chunked/i.test(String(req.headers['transfer-encoding'] ?? ''))) return httpError(res, 403, 'chunked transfer-encoding not supported');
  if (req.headers['content-length'] === undefined) return httpError(res, 400, 'Content-Length required');
  const restore = q.get('restore') === 'true';
  const force = q.get('force') === 'true';
  const task = handlerTask(ctx, q, 'VM import');
  const injected = ctx.tasks.takeInjectedFailure('VM.import');
  res.writeHead(200, { 'task-id': task, 'content-type': 'text/plain' });

  let objects: OvaObj[] | undefined;
  const hashes = new Map<string, string>();
  let error: string[] | undefined;
  const expected = Number(req.headers['content-length']);
  let received = 0;
  // ova.xml first, then per disk `Ref:N/00000000` chunks (hashed as they stream) each followed by its `.xxhash` sidecar.
  const parser = new TarParser((h) => {
    if (error) return skipEntry();
    if (h.name === 'ova.xml') {
      return collectEntry(MAX_OVA_XML_BYTES, (data) => {
        try {
          objects = (parseXmlRpcValue(data.toString('utf8')) as { objects: OvaObj[] }).objects;
        } catch (e) { error = ['IMPORT_ERROR', `invalid ova.xml: ${String(e)}`]; }
      });
    }
    if (!objects) { error = ['IMPORT_ERROR', 'ova.xml must be the first entry']; return skipEntry(); }
    const m = /^(Ref:\d+)\/(\d{8})(\.xxhash|\.checksum)?$/.exec(h.name);
    if (!m) return skipEntry();
    const key = `${m[1]}/${m[2]}`;
    if (m[3] === '.xxhash') {
      return collectEntry(64, (data) => {
        const want = data.toString('ascii').trim().toUpperCase();
        const got = hashes.get(key);
        if (got !== want && !force) error = ['IMPORT_ERROR', `checksum mismatch on ${key}: expected ${want}, got ${got ?? 'nothing'}`];
      });
    }
    if (m[3]) return skipEntry();
    const hash = xxh64Stream();
    return {
      data: (c) => hash.update(c),
      end: () => { hashes.set(key, hash.hex()); ctx.tasks.progress(task, expected > 0 ? received / expected : 0.5); },
    };
  });

  const finish = (): void => {
    if (!ctx.tasks.isPending(task)) { res.end(); return; }
    if (!error && !parser.complete) error = ['IMPORT_ERROR', 'truncated tar stream (end-of-archive not found)'];
    if (!error && injected) error = injected;
    if (error) { ctx.tasks.fail(task, error); res.end(); return; }
    try {
      ctx.tasks.succeed(task, [createVm(ctx, objects!, srId, restore)]);
    } catch (e) {
      ctx.tasks.fail(task, e instanceof XapiError ? e.toArray() : ['IMPORT_ERROR', String(e)]);
    }
    res.end();
  };

  let sink: Writable = new Writable({
    write(chunk: Buffer, _e, cb) { try { parser.push(chunk); } catch (e) { error ??= ['IMPORT_ERROR', String(e)]; } cb(); },
    final(cb) { finish(); cb(); },
  });
  let sniffed = false;
  req.on('data', (c: Buffer) => {
    received += c.length;
    if (!sniffed) {
      sniffed = true;
      if (c[0] === 0x1f && c[1] === 0x8b) {
        const gun = createGunzip();
        gun.on('error', (e) => { error ??= ['IMPORT_ERROR', `gzip: ${e.message}`]; });
        gun.pipe(sink);
        sink = gun;
      }
    }
    if (!sink.write(c)) { req.pause(); sink.once('drain', () => req.resume()); }
  });
  req.on('end', () => sink.end());
  req.on('aborted', () => { ctx.tasks.fail(task, ['IMPORT_ERROR', 'connection closed before end of stream']); });
}

function createVm(ctx: RpcContext, objects: OvaObj[], srId: string, restore: boolean): string {
  const s = ctx.store;
  const byId = new Map(objects.map((o) => [o.id, o]));
  const vmObj = objects.find((o) => o.class === 'VM');
  if (!vmObj) throw new XapiError('IMPORT_ERROR', ['no VM in ova.xml']);
  const src = vmObj.snapshot;
  const num = (v: unknown, d: number): number => (v === undefined || v === '' ? d : Number(v));
  const vmRef = s.add('VM', vmRecord(String(src.name_label ?? 'imported'), {
    name_description: String(src.name_description ?? ''),
    memory_static_max: num(src.memory_static_max, 2 ** 31), VCPUs_max: num(src.VCPUs_max, 1),
    VCPUs_at_startup: num(src.VCPUs_at_startup, 1), other_config: { ...(src.other_config ?? {}) }, tags: [...(src.tags ?? [])],
    is_a_template: src.is_a_template === true && src.is_a_snapshot !== true,
  }));
  for (const o of objects.filter((x) => x.class === 'VBD')) {
    const vdiObj = byId.get(String(o.snapshot.VDI));
    if (!vdiObj || o.snapshot.type !== 'Disk') continue;
    const vdi = newVdi(s, String(vdiObj.snapshot.name_label ?? 'disk'), srId, num(vdiObj.snapshot.virtual_size, 0));
    attachDisk(s, vmRef, vdi, String(o.snapshot.userdevice ?? '0'));
  }
  const net = [...s.table('network').keys()][0];
  for (const o of objects.filter((x) => x.class === 'VIF')) {
    addVif(s, vmRef, net, String(o.snapshot.device ?? '0'), restore ? String(o.snapshot.MAC) : s.newMac());
  }
  const vm = s.must('VM', vmRef);
  vm.allowed_operations = vmAllowedOps(vm);
  return vmRef;
}
