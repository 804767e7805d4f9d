// GET /export (streamed XVA, HTTP/1.0, no Content-Length) and GET /export_metadata, as ocaml/xapi/export.ml serves them.
import { IncomingMessage, ServerResponse } from 'http';
import { Readable, Transform, TransformCallback } from 'stream';
import { createGzip } from 'zlib';
import { XapiError } from './errors';
import { authenticate, handlerTask, httpError } from './httpCommon';
import { buildOva } from './ovaXml';
import { RpcContext } from './rpc';
import { tarEntry, tarPadding, tarTrailer } from './tar';
import { XAPI_KEEPALIVE_MS, xvaParts } from './xvaStream';
import { createZstd } from './zstd';
import { requirePowerState } from './vmOps';
import { redirectIfElsewhere, vmSrs } from './placement';
import { XapiFaults } from './types';

/** Counts body bytes and applies reset/stall faults. */
export class FaultGate extends Transform {
  private sent = 0;
  constructor(
    private faults: XapiFaults,
    private onReset: () => void,
  ) {
    super();
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const limit = Math.min(this.faults.resetExportAtByte ?? Infinity, this.faults.stallExportAtByte ?? Infinity);
    if (this.sent + chunk.length <= limit) {
      this.sent += chunk.length;
      cb(null, chunk);
      return;
    }
    const head = chunk.subarray(0, Math.max(0, limit - this.sent));
    this.sent += head.length;
    if (head.length) this.push(head);
    if (this.faults.resetExportAtByte !== undefined && this.sent >= this.faults.resetExportAtByte) {
      setTimeout(this.onReset, 20);
    }
    // stall: never call cb
  }
}

function lookupVm(ctx: RpcContext, q: URLSearchParams): string {
  const id = q.get('ref') ?? q.get('uuid');
  if (!id) throw new XapiError('HANDLE_INVALID', ['VM', '']);
  return ctx.store.resolve('VM', id);
}

/** export.ml handler: `use_compression` true|gzip → gzip, zstd → zstd, anything else → none. */
function compressionOf(q: URLSearchParams): 'gzip' | 'zstd' | undefined {
  const c = q.get('use_compression');
  return c === 'true' || c === 'gzip' ? 'gzip' : c === 'zstd' ? 'zstd' : undefined;
}

export function handleExport(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const vmRef = lookupVm(ctx, q);
  const vm = ctx.store.must('VM', vmRef);
  // Before any task is touched: the host that sees the VM's SRs completes the caller's task.
  if (redirectIfElsewhere(ctx, req, res, vmSrs(ctx.store, vmRef), q)) return;
  const task = handlerTask(ctx, q, `Export of VM: ${vm.uuid}`);
  try {
    if (!vm.is_a_snapshot && !vm.is_a_template) requirePowerState(vmRef, vm, ['Halted', 'Suspended']);
  } catch (e) {
    ctx.tasks.fail(task, (e as XapiError).toArray());
    return httpError(res, 500, (e as XapiError).toArray().join(' '), { 'task-id': task });
  }
  const injected = ctx.tasks.takeInjectedFailure('VM.export');
  // export.ml: preserve_power_state only when the query says `true`; the export itself is never a snapshot.
  const preservePowerState = q.get('preserve_power_state') === 'true';
  const { xml, disks } = buildOva(ctx.store, vmRef, { preservePowerState });
  const compression = compressionOf(q);
  const sock = req.socket;
  sock.write(
    'HTTP/1.0 200 OK\r\n' +
      `task-id: ${task}\r\n` +
      'content-type: application/octet-stream\r\n' +
      'Content-Disposition: attachment; filename="export.xva"\r\n' +
      'connection: close\r\n\r\n',
  );
  vm.current_operations[task] = 'export';
  const cleanup = (): void => {
    delete vm.current_operations[task];
  };
  const src = Readable.from(
    xvaParts(ctx.store, xml, disks, {
      keepAliveMs: ctx.faults.exportKeepAliveMs ?? XAPI_KEEPALIVE_MS,
      pause: ctx.faults.pauseExport,
      onProgress: (p) => ctx.tasks.progress(task, p),
    }),
    { objectMode: false },
  );
  const gate = new FaultGate(ctx.faults, () => sock.destroy());
  let finished = false;
  gate.on('end', () => {
    finished = true;
    cleanup();
    if (injected) ctx.tasks.fail(task, injected);
    else ctx.tasks.succeed(task, '');
  });
  sock.on('close', () => {
    src.destroy();
    if (!finished) {
      cleanup();
      ctx.tasks.fail(task, ['VM_EXPORT_FAILED', 'connection closed']);
    }
  });
  const start = (squeeze?: Transform): void => {
    (squeeze ? src.pipe(squeeze).pipe(gate) : src.pipe(gate)).pipe(sock);
  };
  if (compression === 'zstd') createZstd().then(start, () => sock.destroy());
  else start(compression === 'gzip' ? createGzip() : undefined);
}

/**
 * export.ml metadata_handler: ova.xml only (Content-Length known), with snapshot metadata (`export_snapshots`,
 * default true) and power state preserved; `all=true` exports every VM that is not a default template
 * (`include_dom0`, default true). A snapshot's metadata may be exported: check_snapshot in xapi_vm_lifecycle.ml
 * lists `metadata_export` among a snapshot's allowed operations.
 */
export function handleExportMetadata(
  ctx: RpcContext,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
): void {
  authenticate(ctx, req, q);
  const flag = (k: string, d: boolean): boolean => (q.has(k) ? q.get(k) === 'true' : d);
  let vms: string[];
  if (flag('all', false)) {
    const includeDom0 = flag('include_dom0', true);
    vms = [...ctx.store.table('VM')]
      .filter(([, v]) => !(v.is_default_template || (v.is_a_template && v.other_config?.default_template === 'true')))
      .filter(([, v]) => includeDom0 || !v.is_control_domain)
      .map(([r]) => r);
  } else vms = [lookupVm(ctx, q)];
  const task = handlerTask(ctx, q, 'VM.export_metadata');
  const { xml } = buildOva(ctx.store, vms, {
    withSnapshotMetadata: flag('export_snapshots', true),
    preservePowerState: true,
  });
  const body = Buffer.concat([tarEntry('ova.xml', Buffer.from(xml, 'utf8')), tarTrailer()]);
  res.writeHead(200, {
    'task-id': task,
    'content-type': 'application/octet-stream',
    'content-length': body.length,
    'Content-Disposition': 'attachment; filename="export.xva"',
  });
  res.end(body);
  ctx.tasks.succeed(task, '');
}

export { tarPadding };
