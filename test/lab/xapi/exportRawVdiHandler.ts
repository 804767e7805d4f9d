// GET /export_raw_vdi, as ocaml/xapi/export_raw_vdi.ml serves it: `vdi` (ref or uuid, importexport.ml vdi_of_req),
// `format` raw (default) | tar (the XVA chunk stream under `vdi/`, stream_vdi.ml) | vhd | qcow2; an unknown format
// fails the task with INTERNAL_ERROR ["Unknown format x"] and answers 404. The lab does not generate VHD or qcow2
// bodies (xapi runs vhd-tool/qcow-tool for them): those answer 501 and fail the task, a documented lab limit.
import { IncomingMessage, ServerResponse } from 'http';
import { Readable } from 'stream';
import { chunkCount, chunkData } from './diskContent';
import { XapiError } from './errors';
import { FaultGate } from './exportHandler';
import { authenticate, handlerTask, httpError } from './httpCommon';
import { RpcContext } from './rpc';
import { XAPI_KEEPALIVE_MS, xvaParts } from './xvaStream';

const CONTENT_TYPE: Record<string, string> = {
  raw: 'application/octet-stream',
  vhd: 'application/vhd',
  tar: 'application/x-tar',
  qcow2: 'application/x-qemu-disk',
};

async function* rawParts(key: string, size: number, onProgress: (p: number) => void): AsyncGenerator<Buffer> {
  const n = chunkCount(size);
  for (let c = 0; c < n; c++) {
    yield chunkData(key, c, size);
    onProgress((c + 1) / n);
  }
}

export function handleExportRawVdi(
  ctx: RpcContext,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
): void {
  authenticate(ctx, req, q);
  const id = q.get('vdi');
  if (!id) throw new XapiError('INTERNAL_ERROR', ['Missing vdi query parameter']);
  const vdiRef = ctx.store.resolve('VDI', id);
  const vdi = ctx.store.must('VDI', vdiRef);
  const task = handlerTask(ctx, q, 'Exporting raw VDI');
  const format = (q.get('format') ?? 'raw').toLowerCase();
  if (!CONTENT_TYPE[format]) {
    ctx.tasks.fail(task, ['INTERNAL_ERROR', `Unknown format ${q.get('format')}`]);
    return httpError(res, 404, 'not found', { 'task-id': task });
  }
  if (format === 'vhd' || format === 'qcow2') {
    ctx.tasks.fail(task, ['INTERNAL_ERROR', `the lab does not generate ${format} streams`]);
    return httpError(res, 501, `lab: ${format} not generated`, { 'task-id': task });
  }
  const key = ctx.store.vdiContent.get(vdiRef) ?? vdiRef;
  const progress = (p: number): void => ctx.tasks.progress(task, p);
  const body =
    format === 'raw'
      ? rawParts(key, vdi.virtual_size, progress)
      : xvaParts(ctx.store, '', [{ id: 'vdi', vdiRef, size: vdi.virtual_size }], {
          keepAliveMs: ctx.faults.exportKeepAliveMs ?? XAPI_KEEPALIVE_MS,
          onProgress: progress,
          skipOvaXml: true,
        });
  res.writeHead(200, {
    'task-id': task,
    'content-type': CONTENT_TYPE[format],
    'content-disposition': `attachment; filename="${vdi.uuid}.${format}"`,
    connection: 'close',
  });
  const gate = new FaultGate(ctx.faults, () => req.socket.destroy());
  Readable.from(body).pipe(gate).pipe(res);
  gate.on('end', () => ctx.tasks.succeed(task, ''));
  res.on('close', () => {
    if (ctx.tasks.isPending(task)) ctx.tasks.fail(task, ['VDI_IO_ERROR', 'connection closed']);
  });
}
