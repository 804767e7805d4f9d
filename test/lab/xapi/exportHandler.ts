// GET /export (streamed XVA, HTTP/1.0, no Content-Length) and GET /export_metadata.
import { IncomingMessage, ServerResponse } from 'http';
import { Readable, Transform, TransformCallback } from 'stream';
import { createGzip } from 'zlib';
import { chunkCount, chunkData, chunkHash, isZeroChunk, CHUNK } from './diskContent';
import { XapiError } from './errors';
import { authenticate, handlerTask, httpError } from './httpCommon';
import { buildOva, OvaDisk } from './ovaXml';
import { RpcContext } from './rpc';
import { tarEntry, tarHeader, tarPadding, tarTrailer } from './tar';
import { requirePowerState } from './vmOps';
import { redirectIfElsewhere, vmSrs } from './placement';
import { XapiFaults } from './types';

function* xvaParts(store: RpcContext['store'], xml: string, disks: OvaDisk[], onProgress: (p: number) => void): Generator<Buffer> {
  yield tarEntry('ova.xml', Buffer.from(xml, 'utf8'));
  const total = disks.reduce((n, d) => n + chunkCount(d.size), 0) || 1;
  let done = 0;
  for (const d of disks) {
    const key = store.vdiContent.get(d.vdiRef) ?? d.vdiRef;
    const n = chunkCount(d.size);
    for (let c = 0; c < n; c++) {
      done++;
      if (c !== 0 && c !== n - 1 && isZeroChunk(key, c, d.size)) continue;
      const data = chunkData(key, c, d.size);
      const padded = data.length === CHUNK ? data : Buffer.concat([data, Buffer.alloc(CHUNK - data.length)]);
      const name = `${d.id}/${String(c).padStart(8, '0')}`;
      yield tarHeader(name, CHUNK);
      yield padded;
      yield tarEntry(`${name}.xxhash`, Buffer.from(chunkHash(key, c, d.size, padded), 'ascii'));
      onProgress(done / total);
    }
  }
  yield tarTrailer();
}

/** Counts body bytes and applies reset/stall faults. */
export class FaultGate extends Transform {
  private sent = 0;
  constructor(private faults: XapiFaults, private onReset: () => void) { super(); }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const limit = Math.min(this.faults.resetExportAtByte ?? Infinity, this.faults.stallExportAtByte ?? Infinity);
    if (this.sent + chunk.length <= limit) { this.sent += chunk.length; cb(null, chunk); return; }
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
  const { xml, disks } = buildOva(ctx.store, vmRef);
  const sock = req.socket;
  sock.write(
    'HTTP/1.0 200 OK\r\n' +
    `task-id: ${task}\r\n` +
    'content-type: application/octet-stream\r\n' +
    'Content-Disposition: attachment; filename="export.xva"\r\n' +
    'connection: close\r\n\r\n',
  );
  vm.current_operations[task] = 'export';
  const cleanup = (): void => { delete vm.current_operations[task]; };
  const src = Readable.from(xvaParts(ctx.store, xml, disks, (p) => ctx.tasks.progress(task, p)), { objectMode: false });
  const gate = new FaultGate(ctx.faults, () => sock.destroy());
  const gz = q.get('use_compression') === 'true' || q.get('use_compression') === 'gzip';
  (gz ? src.pipe(createGzip()).pipe(gate) : src.pipe(gate)).pipe(sock);
  let finished = false;
  gate.on('end', () => {
    finished = true;
    cleanup();
    if (injected) ctx.tasks.fail(task, injected);
    else ctx.tasks.succeed(task, '');
  });
  sock.on('close', () => {
    src.destroy();
    if (!finished) { cleanup(); ctx.tasks.fail(task, ['VM_EXPORT_FAILED', 'connection closed']); }
  });
}

export function handleExportMetadata(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const vmRef = lookupVm(ctx, q);
  const task = handlerTask(ctx, q, 'Export of VM metadata');
  const { xml } = buildOva(ctx.store, vmRef);
  const body = Buffer.concat([tarEntry('ova.xml', Buffer.from(xml, 'utf8')), tarTrailer()]);
  res.writeHead(200, { 'task-id': task, 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
  ctx.tasks.succeed(task, '');
}

export { tarPadding };
