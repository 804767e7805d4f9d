// Method dispatcher shared by the JSON-RPC and XML-RPC front ends (xapi's api_server.ml serves both from one
// dispatcher): sessions, events, generic accessors, ops, Async twins. Only what the XenAPI datamodel declares is
// served (anything else is MESSAGE_METHOD_UNKNOWN), and system.listMethods lists exactly that.
import { vifCreate, vifDestroy, networkDestroy } from './vifOps';
import { setTimeout as delay } from 'node:timers/promises';
import { dmClass, fieldType, message } from './datamodel';
import { XapiError } from './errors';
import { EventHub } from './events';
import { canonicalClass, CLASSES, NULL_REF, XapiStore, xapiDate } from './store';
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
  /** event.from / event.next / event.inject (events.ts). */
  events: EventHub;
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

/** A local login as xapi_session.ml records it: this_host is the host that served it, the user is the local root. */
export function login(ctx: RpcContext, user: string, pwd: string, originator = ''): string {
  if (ctx.slaveOf) throw new XapiError('HOST_IS_SLAVE', [ctx.slaveOf]);
  if (user !== ctx.username || pwd !== ctx.password) {
    throw new XapiError('SESSION_AUTHENTICATION_FAILED', [user, 'Authentication failure']);
  }
  const ref = ctx.store.add('session', {
    uuid: '',
    this_host: ctx.localHost ?? ctx.store.pool().rec.master,
    this_user: NULL_REF,
    last_active: xapiDate(),
    pool: false,
    other_config: {},
    is_local_superuser: true,
    auth_user_name: user,
    originator,
  });
  ctx.sessions.set(ref, { user, alive: true });
  return ref;
}

/** session.logout: the session row goes (xapi destroys it) and calls blocked in events on it end SESSION_INVALID. */
function logout(ctx: RpcContext, ref: string): void {
  const s = ctx.sessions.get(ref);
  if (s) s.alive = false;
  ctx.store.remove('session', ref);
  ctx.events.sessionDeleted(ref);
}

/** Operations that have an Async twin. Returns a PreparedOp after synchronous validation. */
function prepareOp(ctx: RpcContext, method: string, a: unknown[]): PreparedOp | undefined {
  const o = ctx.ops;
  const ref = String(a[1]);
  switch (method) {
    case 'VM.snapshot':
      arity(method, a, 3, 4);
      return o.snapshot(ref, a[2], a[3]);
    case 'VM.revert':
      arity(method, a, 2);
      return o.revert(ref);
    case 'VM.destroy':
      arity(method, a, 2);
      return o.destroy(ref);
    case 'VM.start':
      arity(method, a, 2, 4);
      return o.start(ref);
    case 'VM.clean_shutdown':
      arity(method, a, 2);
      return o.cleanShutdown(ref);
    case 'VM.hard_shutdown':
      arity(method, a, 2);
      return o.hardShutdown(ref);
    case 'VM.power_state_reset':
      arity(method, a, 2);
      return o.powerStateReset(ref);
    case 'VM.set_is_a_template':
      arity(method, a, 3);
      return o.setIsATemplate(ref, a[2]);
    case 'VM.clone':
      arity(method, a, 3);
      return o.clone(ref, a[2]);
    case 'VM.copy':
      arity(method, a, 4);
      return o.copy(ref, a[2], a[3]);
    case 'VDI.destroy':
      arity(method, a, 2);
      return o.vdiDestroy(ref);
    default:
      return undefined;
  }
}

/** Methods prepareOp serves; all but field setters have an Async twin (ocaml/doc/wire-protocol.md). */
const OPS = [
  'VM.snapshot',
  'VM.revert',
  'VM.destroy',
  'VM.start',
  'VM.clean_shutdown',
  'VM.hard_shutdown',
  'VM.power_state_reset',
  'VM.set_is_a_template',
  'VM.clone',
  'VM.copy',
  'VDI.destroy',
];
const hasAsync = (m: string): boolean => !/\.(get|set|add_to|remove_from)_/.test(m);
/** Methods served by name in dispatch (no Async twin: session, task and event methods have none). */
const NAMED = [
  'session.login_with_password',
  'session.logout',
  'session.get_uuid',
  'session.get_record',
  'session.get_this_host',
  'session.get_this_user',
  'session.get_last_active',
  'session.get_pool',
  'session.get_auth_user_name',
  'session.get_is_local_superuser',
  'session.get_originator',
  'session.get_other_config',
  'event.from',
  'event.next',
  'event.register',
  'event.unregister',
  'event.inject',
  'event.get_current_id',
  'task.create',
  'task.cancel',
  'task.destroy',
  'host.get_server_certificate',
  'VIF.create',
  'VIF.destroy',
  'network.destroy',
];
const GENERIC =
  /^(get_all_records|get_all|get_record|get_by_uuid|get_by_name_label|(get|set|add_to|remove_from|add|remove)_(.+))$/;

/** True when genericCall can serve `name` on `cls`: the datamodel declares it and it is a field accessor. */
function genericServed(cls: string, name: string): boolean {
  if (cls === 'session' || cls === 'event' || !message(cls, name)) return false;
  const m = GENERIC.exec(name);
  if (!m) return false;
  return !m[3] || fieldType(cls, m[3]) !== undefined;
}

/** Everything dispatch answers, as system.listMethods reports it. */
export function servedMethods(): string[] {
  const out = new Set<string>([
    ...NAMED,
    ...OPS,
    ...OPS.filter(hasAsync).map((m) => `Async.${m}`),
    'system.listMethods',
  ]);
  for (const cls of CLASSES) {
    for (const m of dmClass(cls)?.messages ?? []) if (genericServed(cls, m.name)) out.add(`${cls}.${m.name}`);
  }
  return [...out].sort();
}

/** The datamodel result type of `method` (for XML-RPC marshalling); undefined when the datamodel has none. */
export function resultType(method: string): string | undefined {
  if (method.startsWith('Async.')) return 'task ref';
  if (method === 'system.listMethods') return 'string set';
  const dot = method.indexOf('.');
  const cls = canonicalClass(method.slice(0, dot)) ?? method.slice(0, dot);
  const name = method.slice(dot + 1);
  const m = message(cls, name);
  if (m) return m.result;
  const g = /^get_(.+)$/.exec(name);
  return g ? fieldType(cls, g[1]) : undefined;
}

function genericCall(
  ctx: RpcContext,
  method: string,
  a: unknown[],
): { found: boolean; value?: unknown; mutate?: () => unknown } {
  const dot = method.indexOf('.');
  const cls = canonicalClass(method.slice(0, dot));
  const name = method.slice(dot + 1);
  if (!cls || !genericServed(cls, name)) return { found: false };
  const s = ctx.store;
  const t = s.table(cls);
  if (name === 'get_all_records') {
    arity(method, a, 1);
    return { found: true, value: Object.fromEntries(s.plainTable(cls)) }; // serialised as they are, untracked
  }
  if (name === 'get_all') {
    arity(method, a, 1);
    return { found: true, value: [...t.keys()] };
  }
  if (name === 'get_record') {
    arity(method, a, 2);
    return { found: true, value: s.must(cls, a[1]) };
  }
  if (name === 'get_by_uuid') {
    arity(method, a, 2);
    return { found: true, value: s.refByUuid(cls, a[1]) };
  }
  if (name === 'get_by_name_label') {
    arity(method, a, 2);
    return { found: true, value: [...t].filter(([, r]) => r.name_label === a[1]).map(([k]) => k) };
  }
  const m = /^(get|set|add_to|remove_from|add|remove)_(.+)$/.exec(name);
  if (!m) return { found: false };
  const [, verb, field] = m;
  if (verb === 'get') {
    arity(method, a, 2);
    return { found: true, value: s.must(cls, a[1])[field] };
  }
  if (verb === 'set') {
    arity(method, a, 3);
    const r = s.must(cls, a[1]);
    return {
      found: true,
      mutate: () => {
        r[field] = a[2];
        return '';
      },
    };
  }
  if (verb === 'add_to') {
    arity(method, a, 4);
    const r = s.must(cls, a[1]);
    const key = String(a[2]);
    if (key in r[field]) throw new XapiError('MAP_DUPLICATE_KEY', [cls, field, key, String(a[1])]);
    return {
      found: true,
      mutate: () => {
        r[field][key] = String(a[3]);
        return '';
      },
    };
  }
  if (verb === 'remove_from') {
    arity(method, a, 3);
    const r = s.must(cls, a[1]);
    return {
      found: true,
      mutate: () => {
        delete r[field][String(a[2])];
        return '';
      },
    };
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
    case 'task.create':
      arity(method, a, 3);
      return { found: true, value: tm.create(String(a[1]), String(a[2])) };
    case 'VIF.create':
      arity(method, a, 2);
      return { found: true, value: vifCreate(ctx.store, a[1]) };
    case 'VIF.destroy':
      arity(method, a, 2);
      return { found: true, value: vifDestroy(ctx.store, a[1]) };
    case 'network.destroy':
      arity(method, a, 2);
      return { found: true, value: networkDestroy(ctx.store, a[1]) };
    case 'task.cancel':
      arity(method, a, 2);
      ctx.store.must('task', a[1]);
      tm.cancel(String(a[1]));
      return { found: true, value: '' };
    case 'task.destroy':
      arity(method, a, 2);
      ctx.store.must('task', a[1]);
      ctx.store.remove('task', String(a[1]));
      return { found: true, value: '' };
    default:
      return { found: false };
  }
}

function sessionCall(ctx: RpcContext, method: string, a: unknown[]): { found: boolean; value?: unknown } {
  const self = String(a[0]);
  switch (method) {
    case 'session.logout':
      arity(method, a, 1);
      logout(ctx, self);
      return { found: true, value: '' };
    case 'session.get_record':
      arity(method, a, 2);
      return { found: true, value: ctx.store.must('session', a[1]) };
    case 'session.get_uuid':
    case 'session.get_this_host':
    case 'session.get_this_user':
    case 'session.get_last_active':
    case 'session.get_pool':
    case 'session.get_auth_user_name':
    case 'session.get_is_local_superuser':
    case 'session.get_originator':
    case 'session.get_other_config':
      arity(method, a, 2);
      return { found: true, value: ctx.store.must('session', a[1])[method.slice('session.get_'.length)] };
    default:
      return { found: false };
  }
}

async function eventCall(ctx: RpcContext, method: string, a: unknown[]): Promise<{ found: boolean; value?: unknown }> {
  const ev = ctx.events;
  const session = String(a[0]);
  switch (method) {
    case 'event.from':
      arity(method, a, 4);
      return { found: true, value: await ev.from(session, a[1], a[2], a[3]) };
    case 'event.next':
      arity(method, a, 1);
      return { found: true, value: await ev.next(session) };
    case 'event.register':
      arity(method, a, 2);
      ev.register(session, a[1]);
      return { found: true, value: '' };
    case 'event.unregister':
      arity(method, a, 2);
      ev.unregister(session, a[1]);
      return { found: true, value: '' };
    case 'event.get_current_id':
      arity(method, a, 1);
      return { found: true, value: ev.currentId() };
    case 'event.inject': {
      arity(method, a, 3);
      const cls = canonicalClass(String(a[1]));
      if (!cls || cls === 'session') throw new XapiError('HANDLE_INVALID', [String(a[1]), String(a[2])]);
      return { found: true, value: ev.inject(cls, a[2]) };
    }
    default:
      return { found: false };
  }
}

/** Runs one XenAPI call; what it writes wakes the blocked event calls by itself (store.ts, events.ts). */
export async function dispatch(ctx: RpcContext, method: string, params: unknown[]): Promise<unknown> {
  ctx.log.push(method);
  if (method === 'session.login_with_password') {
    arity(method, params, 2, 4);
    if (ctx.faults.loginDelayMs) await delay(ctx.faults.loginDelayMs);
    try {
      return login(ctx, String(params[0]), String(params[1]), params[3] === undefined ? '' : String(params[3]));
    } catch (e) {
      if (e instanceof XapiError && e.code === 'SESSION_AUTHENTICATION_FAILED') await delay(200);
      throw e;
    }
  }
  if (method === 'system.listMethods') return servedMethods();
  checkSession(ctx, params[0]);
  if (method.startsWith('session.')) {
    const sc = sessionCall(ctx, method, params);
    if (sc.found) return sc.value;
    throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
  }
  if (method.startsWith('event.')) {
    const ec = await eventCall(ctx, method, params);
    if (ec.found) return ec.value;
    throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
  }
  if (method === 'host.get_server_certificate') {
    arity(method, params, 2);
    ctx.store.must('host', params[1]);
    return ctx.serverCertificate(String(params[1]));
  }

  const isAsync = method.startsWith('Async.');
  const base = isAsync ? method.slice(6) : method;
  const op = isAsync && !hasAsync(base) ? undefined : prepareOp(ctx, base, params);
  if (op) {
    if (!isAsync) return op.apply();
    const task = ctx.tasks.create(`Async.${base}`);
    const lock = op.lockVm
      ? { cls: 'VM', ref: op.lockVm, op: op.op }
      : op.lockVdi
        ? { cls: 'VDI', ref: op.lockVdi, op: op.op }
        : undefined;
    ctx.tasks.run(task, { method: base, lock, work: op.apply });
    return task;
  }
  if (isAsync) throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
  const tc = taskCall(ctx, base, params);
  if (tc.found) return tc.value;
  const g = genericCall(ctx, base, params);
  if (g.found) return g.mutate ? g.mutate() : g.value;
  throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
}
