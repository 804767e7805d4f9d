// PUT /import, as ocaml/xapi/import.ml handles it: streamed XVA parse with per-chunk XXH64 verification, then the
// objects of ova.xml created as they are described (a template stays a template), `restore=true` as xapi's full restore.
import { IncomingMessage, ServerResponse } from 'http';
import { createGunzip } from 'zlib';
import { Writable } from 'stream';
import { Decompress } from 'fzstd';
import { XapiError } from './errors';
import { authenticate, handlerTask } from './httpCommon';
import { createImportedVm, OvaObj, precheckImport } from './importObjects';
import { RpcContext } from './rpc';
import { NULL_REF } from './store';
import { collectEntry, skipEntry, TarParser } from './tar';
import { xxh64Stream } from './xxhash64';
import { redirectIfElsewhere } from './placement';
import { parseValueDocument } from './xmlrpcCodec';

/** ova.xml describes a VM, its disks and networks: kilobytes. More is not an XVA. */
const MAX_OVA_XML_BYTES = 16 << 20;

/** importexport.ml sr_of_req: `sr_id` (a ref), else `sr_uuid`, else the pool's default SR. */
function importSr(ctx: RpcContext, q: URLSearchParams): string {
  const s = ctx.store;
  const id = q.get('sr_id');
  if (id !== null) {
    s.must('SR', id);
    return id;
  }
  const uuid = q.get('sr_uuid');
  if (uuid !== null) return s.refByUuid('SR', uuid);
  const def = s.pool().rec.default_SR;
  if (!s.get('SR', def)) throw new XapiError('DEFAULT_SR_NOT_FOUND', [def ?? NULL_REF]);
  return def;
}

/** import.ml: failures before the body is read answer with a bare status line and fail the handler's task. */
function refuse(
  ctx: RpcContext,
  res: ServerResponse,
  task: string,
  status: number,
  reason: string,
  error: string[],
): void {
  ctx.tasks.fail(task, error);
  res.writeHead(status, reason, { 'task-id': task, connection: 'close' });
  res.end();
}

export function handleImport(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const srId = importSr(ctx, q);
  // import.ml: an SR this host cannot see → 302 to one that can, answered before the body is read (no task touched).
  if (redirectIfElsewhere(ctx, req, res, [srId], q)) return;
  const restore = q.get('restore') === 'true';
  const force = q.get('force') === 'true';
  const task = handlerTask(ctx, q, 'VM.import');
  // Inside Xapi_http.with_context: each refusal below also completes the task, as failed.
  if (ctx.store.must('SR', srId).content_type === 'iso')
    return refuse(ctx, res, task, 400, 'Bad Request', ['SR_OPERATION_NOT_SUPPORTED']);
  if (req.headers['transfer-encoding'] !== undefined)
    return refuse(ctx, res, task, 403, 'Forbidden', ['IMPORT_ERROR_CANNOT_HANDLE_CHUNKED']);
  const injected = ctx.tasks.takeInjectedFailure('VM.import');
  // The reply head goes out now, before the body is read (import.ml: Http_svr.headers, then stream_import).
  res.writeHead(200, { 'task-id': task, 'content-type': 'application/octet-stream', connection: 'close' });
  res.flushHeaders();

  let objects: OvaObj[] | undefined;
  let error: string[] | undefined;
  const expected = Number(req.headers['content-length'] ?? NaN);
  let received = 0;
  // Per disk, stream_vdi.ml recv_one: entry numbers strictly increase; a gap is that many zero chunks of the first
  // chunk's length; a zero-length entry (a keep-alive) adds nothing; each entry is followed by its checksum sidecar.
  const last = new Map<string, number>();
  let pendingHash: { key: string; hex: string } | undefined;
  const fail = (e: string[]): void => {
    error ??= e;
  };
  const parser = new TarParser((h) => {
    if (error) return skipEntry();
    if (!objects) {
      if (h.name !== 'ova.xml') {
        fail(['IMPORT_ERROR_UNEXPECTED_FILE', 'ova.xml', h.name]);
        return skipEntry();
      }
      return collectEntry(MAX_OVA_XML_BYTES, (data) => {
        try {
          objects = (parseValueDocument(data.toString('utf8')) as { objects: OvaObj[] }).objects;
          if (!Array.isArray(objects)) throw new Error('no objects');
        } catch (e) {
          fail(['IMPORT_ERROR', `invalid ova.xml: ${String(e)}`]);
          return;
        }
        // import.ml prechecks every object before a disk is read: a refusal fails the task at once.
        try {
          precheckImport(ctx, objects, { restore, force });
        } catch (e) {
          fail(e instanceof XapiError ? e.toArray() : ['IMPORT_ERROR', String(e)]);
          ctx.tasks.fail(task, error!);
          res.end();
          setImmediate(() => req.socket.destroy());
        }
      });
    }
    const m = /^(Ref:\d+)\/(\d{8})(\.xxhash|\.checksum)?$/.exec(h.name);
    if (!m) {
      fail(['IMPORT_ERROR', `Invalid XVA file: unexpected entry ${h.name}`]);
      return skipEntry();
    }
    const key = `${m[1]}/${m[2]}`;
    if (m[3]) {
      if (m[3] === '.checksum') {
        pendingHash = undefined;
        return skipEntry();
      } // SHA-1 sidecars of old exports: not checked here
      return collectEntry(64, (data) => {
        const want = data.toString('ascii').trim().toUpperCase();
        const got = pendingHash?.key === key ? pendingHash.hex : undefined;
        pendingHash = undefined;
        if (got !== want && !force)
          fail(['IMPORT_ERROR', `checksum mismatch on ${key}: expected ${want}, got ${got ?? 'nothing'}`]);
      });
    }
    const no = Number(m[2]);
    if (no <= (last.get(m[1]) ?? -1)) {
      fail(['IMPORT_ERROR', `Invalid XVA file: ${h.name} after ${m[1]}/${String(last.get(m[1])).padStart(8, '0')}`]);
      return skipEntry();
    }
    last.set(m[1], no);
    const hash = xxh64Stream();
    return {
      data: (c) => hash.update(c),
      end: () => {
        pendingHash = { key, hex: hash.hex() };
        ctx.tasks.progress(task, expected > 0 ? received / expected : 0.5);
      },
    };
  });

  const finish = (): void => {
    if (!ctx.tasks.isPending(task)) {
      res.end();
      return;
    }
    // import.ml with_error_handling: End_of_file → IMPORT_ERROR_PREMATURE_EOF.
    if (!error && (!objects || !parser.complete)) error = ['IMPORT_ERROR_PREMATURE_EOF'];
    if (!error && injected) error = injected;
    if (error) {
      ctx.tasks.fail(task, error);
      res.end();
      return;
    }
    try {
      ctx.tasks.succeed(task, createImportedVm(ctx, objects!, srId, { restore, force }));
    } catch (e) {
      ctx.tasks.fail(task, e instanceof XapiError ? e.toArray() : ['IMPORT_ERROR', String(e)]);
    }
    res.end();
  };

  let sink: Writable = new Writable({
    write(chunk: Buffer, _e, cb) {
      try {
        parser.push(chunk);
      } catch (e) {
        fail(['IMPORT_ERROR', String(e)]);
      }
      cb();
    },
    final(cb) {
      finish();
      cb();
    },
  });
  let sniffed = false;
  req.on('data', (c: Buffer) => {
    received += c.length;
    if (!sniffed) {
      sniffed = true;
      if (c[0] === 0x1f && c[1] === 0x8b) {
        const gun = createGunzip();
        gun.on('error', () => fail(['IMPORT_ERROR_PREMATURE_EOF']));
        gun.pipe(sink);
        sink = gun;
      } else if (c[0] === 0x28 && c[1] === 0xb5 && c[2] === 0x2f && c[3] === 0xfd) {
        // zstd (import.ml reads a zstd-compressed XVA as well): fzstd decodes as the bytes arrive.
        const tarSink = sink;
        const unz = new Decompress((chunk) => {
          tarSink.write(Buffer.from(chunk));
        });
        sink = new Writable({
          write(chunk: Buffer, _e, cb) {
            try {
              unz.push(chunk);
            } catch (e) {
              fail(['IMPORT_ERROR', `zstd: ${String(e)}`]);
            }
            cb();
          },
          final(cb) {
            try {
              unz.push(new Uint8Array(0), true);
            } catch {
              fail(['IMPORT_ERROR_PREMATURE_EOF']);
            }
            tarSink.end();
            cb();
          },
        });
      }
    }
    if (!sink.write(c)) {
      req.pause();
      sink.once('drain', () => req.resume());
    }
  });
  req.on('end', () => sink.end());
  req.on('aborted', () => {
    ctx.tasks.fail(task, ['IMPORT_ERROR_PREMATURE_EOF']);
  });
}
