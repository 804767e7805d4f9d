// Method dispatcher shared by the JSON-RPC front end: sessions, generic accessors, ops, Async twins.
import { setTimeout as delay } from 'node:timers/promises';
import { XapiError } from './errors';
import { canonicalClass, XapiStore } from './store';
import { TaskManager } from './tasks';
import { PreparedOp, VmOps } from './vmOps';
import { XapiFaults } from './types';

export interface RpcContext {
  store: XapiStore;
  tasks: TaskManager;
  ops: VmOps;
  faults: XapiFaults;
  username: string;
  password: string;
  slaveOf?: string;
  /** The host whose listener received the request (the master when unset). */
  localHost?: string;
  /** `<scheme>://<address>:<port>` of a host's listener (for 302 redirects). */
  hostBaseUrl: (hostRef: string) => string;
  /** host.get_server_certificate: the PEM of the certificate installed on a host ('' without TLS). */
  serverCertificate: (hostRef: string) => string;
  sessions: Map<string, { user: string; alive: boolean }>;
  log: string[];
}


function arity(method: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new XapiError('MESSAGE_PARAMETER_COUNT_MISMATCH', [method, String(max), String(args.length)]);
  }
}

export function checkSession(ctx: RpcContext, ref: unknown): void {
  const s = typeof ref === 'string' ? ctx.sessions.get(ref) : undefined;
  if (!s || !s.alive) throw new XapiError('SESSION_INVALID', [String(ref)]);
}

export function login(ctx: RpcContext, user: string, pwd: string): string {
  if (ctx.slaveOf) throw new XapiError('HOST_IS_SLAVE', [ctx.slaveOf]);
  if (user !== ctx.username || pwd !== ctx.password) {
    throw new XapiError('SESSION_AUTHENTICATION_FAILED', [user, 'Authentication failure']);
  }
  const ref = ctx.store.add('session', { uuid: '', this_user: user, last_active: '', pool: true, other_config: {} });
  ctx.sessions.set(ref, { user, alive: true });
  return ref;
}

/** Operations that have an Async twin. Returns a PreparedOp after synchronous validation. */
function prepareOp(ctx: RpcContext, method: string, a: unknown[]): PreparedOp | undefined {
  const o = ctx.ops;
  const ref = String(a[1]);
  switch (method) {
    case 'VM.snapshot': arity(method, a, 3, 4); return o.snapshot(ref, a[2], a[3]);
    case 'VM.revert': arity(method, a, 2); return o.revert(ref);
    case 'VM.destroy': arity(method, a, 2); return o.destroy(ref);
    case 'VM.start': arity(method, a, 2, 4); return o.start(ref);
    case 'VM.clean_shutdown': arity(method, a, 2); return o.cleanShutdown(ref);
    case 'VM.hard_shutdown': arity(method, a, 2); return o.hardShutdown(ref);
    case 'VM.power_state_reset': arity(method, a, 2); return o.powerStateReset(ref);
    case 'VM.set_is_a_template': arity(method, a, 3); return o.setIsATemplate(ref, a[2]);
    case 'VDI.destroy': arity(method, a, 2); return o.vdiDestroy(ref);
    default: return undefined;
  }
}

function genericCall(ctx: RpcContext, method: string, a: unknown[]): { found: boolean; value?: unknown; mutate?: () => unknown } {
  const dot = method.indexOf('.');
  const cls = canonicalClass(method.slice(0, dot));
  const name = method.slice(dot + 1);
  if (!cls || cls === 'session') return { found: false };
  const s = ctx.store;
  const t = s.table(cls);
  if (name === 'get_all_records') { arity(method, a, 1); return { found: true, value: Object.fromEntries(t) }; }
  if (name === 'get_all') { arity(method, a, 1); return { found: true, value: [...t.keys()] }; }
  if (name === 'get_record') { arity(method, a, 2); return { found: true, value: s.must(cls, a[1]) }; }
  if (name === 'get_by_uuid') { arity(method, a, 2); return { found: true, value: s.refByUuid(cls, a[1]) }; }
  if (name === 'get_by_name_label') {
    arity(method, a, 2);
    return { found: true, value: [...t].filter(([, r]) => r.name_label === a[1]).map(([k]) => k) };
  }
  const m = /^(get|set|add_to|remove_from|add|remove)_(.+)$/.exec(name);
  if (!m) return { found: false };
  const [, verb, field] = m;
  const probe = t.values().next().value as Record<string, unknown> | undefined;
  if (probe && !(field in probe)) return { found: false };
  if (verb === 'get') { arity(method, a, 2); return { found: true, value: s.must(cls, a[1])[field] }; }
  if (verb === 'set') {
    arity(method, a, 3);
    const r = s.must(cls, a[1]);
    return { found: true, mutate: () => { r[field] = a[2]; return ''; } };
  }
  if (verb === 'add_to') {
    arity(method, a, 4);
    const r = s.must(cls, a[1]);
    const key = String(a[2]);
    if (key in r[field]) throw new XapiError('MAP_DUPLICATE_KEY', [cls, field, key, String(a[1])]);
    return { found: true, mutate: () => { r[field][key] = String(a[3]); return ''; } };
  }
  if (verb === 'remove_from') {
    arity(method, a, 3);
    const r = s.must(cls, a[1]);
    return { found: true, mutate: () => { delete r[field][String(a[2])]; return ''; } };
  }
  arity(method, a, 3);
  const r = s.must(cls, a[1]);
  return {
    found: true,
    mutate: () => {
      const set = r[field] as unknown[];
      if (verb === 'add' && !set.includes(a[2])) set.push(a[2]);
      if (verb === 'remove') r[field] = set.filter((x) => x !== a[2]);
      return '';
    },
  };
}

function taskCall(ctx: RpcContext, method: string, a: unknown[]): { found: boolean; value?: unknown } {
  const tm = ctx.tasks;
  switch (method) {
    case 'task.create': arity(method, a, 3); return { found: true, value: tm.create(String(a[1]), String(a[2])) };
    case 'task.cancel': arity(method, a, 2); ctx.store.must('task', a[1]); tm.cancel(String(a[1])); return { found: true, value: '' };
    case 'task.destroy': arity(method, a, 2); ctx.store.must('task', a[1]); ctx.store.remove('task', String(a[1])); return { found: true, value: '' };
    default: return { found: false };
  }
}

export async function dispatch(ctx: RpcContext, method: string, params: unknown[]): Promise<unknown> {
  ctx.log.push(method);
  if (method === 'session.login_with_password') {
    arity(method, params, 2, 4);
    if (ctx.faults.loginDelayMs) await delay(ctx.faults.loginDelayMs);
    try {
      return login(ctx, String(params[0]), String(params[1]));
    } catch (e) {
      if (e instanceof XapiError && e.code === 'SESSION_AUTHENTICATION_FAILED') await delay(200);
      throw e;
    }
  }
  if (method === 'system.listMethods') return ['session.login_with_password', 'session.logout', ...['pool', 'host', 'VM', 'VBD', 'VDI', 'SR', 'PBD', 'VIF', 'network', 'task'].map((c) => `${c}.get_all_records`)];
  checkSession(ctx, params[0]);
  if (method === 'session.logout') { arity(method, params, 1); ctx.sessions.get(String(params[0]))!.alive = false; return ''; }
  if (method === 'session.get_uuid') return ctx.store.must('session', params[0]).uuid;
  if (method === 'host.get_server_certificate') { arity(method, params, 2); ctx.store.must('host', params[1]); return ctx.serverCertificate(String(params[1])); }

  const isAsync = method.startsWith('Async.');
  const base = isAsync ? method.slice(6) : method;
  const op = prepareOp(ctx, base, params);
  if (op) {
    if (!isAsync) return op.apply();
    const task = ctx.tasks.create(`Async.${base}`);
    ctx.tasks.run(task, { method: base, lock: op.lockVm ? { cls: 'VM', ref: op.lockVm, op: op.op } : undefined, work: op.apply });
    return task;
  }
  const tc = taskCall(ctx, base, params);
  if (tc.found) return tc.value;
  const g = genericCall(ctx, base, params);
  if (g.found) {
    if (g.mutate) {
      if (!isAsync) return g.mutate();
      const task = ctx.tasks.create(`Async.${base}`);
      ctx.tasks.run(task, { method: base, steps: 1, work: g.mutate });
      return task;
    }
    if (!isAsync) return g.value;
  }
  throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
}
