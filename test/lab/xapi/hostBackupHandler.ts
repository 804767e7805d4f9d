// GET /host_backup: deterministic gzip'd dom0 backup stream of the addressed host.
import { IncomingMessage, ServerResponse } from 'http';
import { Readable } from 'stream';
import { createGzip } from 'zlib';
import { chunkData } from './diskContent';
import { FaultGate } from './exportHandler';
import { authenticate, handlerTask } from './httpCommon';
import { RpcContext } from './rpc';
import { tarHeader, tarTrailer } from './tar';

const SIZE = 4 * 1024 * 1024;

export function handleHostBackup(ctx: RpcContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  authenticate(ctx, req, q);
  const hostRef = q.get('host') ? ctx.store.resolve('host', q.get('host')!) : ctx.store.pool().rec.master;
  const host = ctx.store.must('host', hostRef);
  const task = handlerTask(ctx, q, 'host.backup');
  res.writeHead(200, { 'task-id': task, 'content-type': 'application/octet-stream' });
  function* parts(): Generator<Buffer> {
    yield tarHeader('dom0-backup.img', SIZE);
    for (let c = 0; c < SIZE / (1024 * 1024); c++) {
      yield chunkData(`host-backup-${host.uuid}`, c, 8 * 1024 * 1024);
      ctx.tasks.progress(task, c / 4);
    }
    yield tarTrailer();
  }
  const gate = new FaultGate(ctx.faults, () => req.socket.destroy());
  Readable.from(parts())
    .pipe(createGzip({ level: 1 }))
    .pipe(gate)
    .pipe(res);
  gate.on('end', () => ctx.tasks.succeed(task, ''));
  res.on('close', () => {
    if (ctx.tasks.isPending(task)) ctx.tasks.fail(task, ['BACKUP_SCRIPT_FAILED', 'connection closed']);
  });
}
