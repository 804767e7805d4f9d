// Shared HTTP handler plumbing: session_id / Basic auth, task_id or handler-created task.
import { IncomingMessage, ServerResponse } from 'http';
import { XapiError } from './errors';
import { checkSession, login, RpcContext } from './rpc';

export function authenticate(ctx: RpcContext, req: IncomingMessage, q: URLSearchParams): void {
  const sid = q.get('session_id') ?? /(?:^|;\s*)session_id=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (sid) return checkSession(ctx, sid);
  const m = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new XapiError('SESSION_INVALID', ['']);
  const [u, ...p] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  login(ctx, u, p.join(':'));
}

/** Uses the caller's task_id if valid, else creates one (to be echoed in `task-id`). */
export function handlerTask(ctx: RpcContext, q: URLSearchParams, label: string): string {
  const t = q.get('task_id');
  if (t && ctx.store.get('task', t)) return t;
  return ctx.tasks.create(label);
}

export function httpError(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `<html><body><h1>HTTP ${status}</h1>${text.replace(/[<>&]/g, '')}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}
