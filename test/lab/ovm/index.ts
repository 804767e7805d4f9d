// Oracle VM Manager 3.4 REST lab: https://127.0.0.1:<port>/ovm/core/wsapi/rest, Basic then the session cookie, JSON.
// What each behaviour follows (or that it is assumed) is in README.md.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { selfSigned } from '../selfSigned';
import { JobFault, JobRunner } from './jobs';
import { AnyObj, ManagerRunState, OVM_TYPES, OvmType, Ref, VmObj, WS_TYPE_PREFIX } from './model';
import { OvmStore, SeedOptions, seed } from './store';
import { VmOps } from './vmOps';
import { ImportFaults, RepositoryOps } from './repositoryOps';
import { CloneCustomizerOps } from './cloneCustomizerOps';
import { ApplianceOps, ExportFaults } from './applianceOps';
import {
  JobObj,
  RepositoryObj,
  ServerPoolObj,
  VirtualDiskObj,
  VmCloneDefinitionObj,
  VmCloneStorageMappingObj,
} from './model';

export { SEED } from './store';
export const REST_BASE = '/ovm/core/wsapi/rest';

export interface OvmLabOptions extends SeedOptions {
  username?: string;
  password?: string;
  /** Time per job step, ms (default 20). */
  jobStepMs?: number;
  /** Start with managerRunState STARTING for this long, ms (then RUNNING). */
  startingMs?: number;
}

/** A canned HTTP reply for the next request whose "METHOD path" matches: the lab's fault injection. */
export interface HttpFault {
  match: RegExp;
  status: number;
  body: string;
  times?: number;
}

export interface OvmLab {
  /** The REST base URI, https://127.0.0.1:<port>/ovm/core/wsapi/rest. */
  url: string;
  port: number;
  /** SHA-256 thumbprint of the lab's self-signed certificate (colon hex, as `openssl x509 -fingerprint -sha256`). */
  thumbprint: string;
  store: OvmStore;
  jobs: JobRunner;
  /** "METHOD path[?query] auth" per request, auth being basic | cookie | none; never a password. */
  requests: string[];
  httpFaults: HttpFault[];
  /** The Manager restarts: STARTING for `ms`, then RUNNING (vmapi-rest-managerstate). */
  restartManager(ms: number): void;
  /** Sets managerRunState now (tests flip it when the client says it waits: no timing). */
  setManagerState(state: ManagerRunState): void;
  addJobFault(f: JobFault): void;
  /**
   * Test switch (not a Manager behaviour): `'3.3.3'` (default) serves FileSystem objects as fog-oracle captured them
   * from OVM 3.3.3 (`size`, `freeSize`); `'other'` without those two keys (`totalBytes`/`availableBytes` instead): a 3.4
   * reply of another shape, which the product must not depend on.
   */
  setFileSystemShape(shape: '3.3.3' | 'other'): void;
  /** Off: the Manager is stopped (`service ovmm stop`): connections are closed at once, as by a host with nothing on 7002. */
  setServing(on: boolean): void;
  /**
   * The Manager CLI's `refresh Repository id=<id>|name=<name>` (CLI reference A.124), as the CLI stub asks it through
   * the admin hook: starts the refresh job; undefined when there is no such repository. Each call is logged in `cliLog`.
   */
  refreshRepository(key: { id?: string; name?: string }): JobObj | undefined;
  /** `refresh Repository …` lines the CLI was given, in order. */
  cliLog: string[];
  /** Test switches: a refresh that imports nothing or no disk, an addVm that changes nothing (repositoryOps.ts ImportFaults). */
  importFaults: ImportFaults;
  /**
   * The Manager CLI's `exportVirtualAppliance Repository id=|name= name=<n> vms=<ids or names>` (CLI reference A.106)
   * as the CLI stub asks it: starts the export job (applianceOps.ts); undefined when the repository or a VM is unknown.
   * Logged in `cliLog`.
   */
  exportVirtualAppliance(repo: { id?: string; name?: string }, name: string, vms: string[]): JobObj | undefined;
  /** The virtual appliances (`list`/`delete VirtualAppliance`, A.59). */
  appliances: ApplianceOps;
  /** Test switches of the export (applianceOps.ts ExportFaults): writes nothing, two packages, a corrupt one, slow. */
  exportFaults: ExportFaults;
  close(): Promise<void>;
}

export async function startOvmLab(opts: OvmLabOptions = {}): Promise<OvmLab> {
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'Welcome1';
  const store = new OvmStore(opts);
  seed(store);
  const setState = (s: ManagerRunState) => {
    store.manager().managerRunState = s;
  };
  const jobs = new JobRunner(store, opts.jobStepMs ?? 20, () => store.manager().managerRunState === 'RUNNING');
  const ops = new VmOps(store);
  const importFaults: ImportFaults = { refreshImports: 'all', addVmIgnored: false };
  const repoOps = new RepositoryOps(store, importFaults);
  const cliLog: string[] = [];
  const customizers = new CloneCustomizerOps(store);
  const appliances = new ApplianceOps(store);
  const sessions = new Set<string>();
  const requests: string[] = [];
  const httpFaults: HttpFault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const restartManager = (ms: number) => {
    setState('STARTING');
    const t = setTimeout(() => {
      timers.delete(t);
      setState('RUNNING');
    }, ms);
    timers.add(t);
  };
  if (opts.startingMs) restartManager(opts.startingMs);

  const cert = selfSigned('ovm-manager.lab');
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent)
        send(res, 500, errorBody('GEN_000000', `java.lang.RuntimeException: ${err.message}`, 'GENERAL_ERROR'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://lab');
    const auth = authenticate(req, res);
    requests.push(`${req.method} ${url.pathname}${url.search} ${auth ?? 'none'}`);
    if (!auth) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="weblogic"', 'Content-Type': 'text/html' });
      res.end('<html><body>Error 401--Unauthorized</body></html>');
      return;
    }
    const fault = httpFaults.find((f) => f.match.test(`${req.method} ${url.pathname}`));
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) httpFaults.splice(httpFaults.indexOf(fault), 1);
      res.writeHead(fault.status, { 'Content-Type': 'application/json' });
      res.end(fault.body);
      return;
    }
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(
          res,
          400,
          errorBody(
            'GEN_000031',
            'GEN_000031:An error occurred parsing the JSON request',
            'GENERAL_JSON_PARSING_ERROR',
          ),
        );
      }
    }
    if (!url.pathname.startsWith(REST_BASE + '/')) return notFound(res, url.pathname);
    const parts = url.pathname
      .slice(REST_BASE.length + 1)
      .split('/')
      .map(decodeURIComponent);
    const type = parts[0] as OvmType;
    if (!OVM_TYPES.includes(type)) return notFound(res, url.pathname);
    const host = req.headers.host ?? '127.0.0.1';
    const reshape = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reshape) : fileSystemShape === 'other' ? otherFileSystemShape(v) : v;
    const out = (status: number, value: unknown) =>
      send(res, status, JSON.stringify(render(type === 'FileSystem' ? reshape(value) : value, store, host)));
    const job = (plan: Parameters<JobRunner['start']>[0]) => out(200, jobs.start(plan));

    if (req.method === 'GET') {
      if (parts.length === 1) return out(200, store.all(type));
      if (parts.length === 2 && parts[1] === 'id')
        return out(
          200,
          store.all(type).map((o) => o.id),
        );
      const obj = store.get(type, parts[1]);
      if (!obj) return notFound(res, url.pathname);
      if (parts.length === 2) return out(200, obj);
      if (parts.length === 3) {
        const kids = children(store, obj, parts[2] as OvmType);
        return kids ? out(200, kids) : notFound(res, url.pathname);
      }
      return notFound(res, url.pathname);
    }
    const obj = parts[1] !== undefined ? store.get(type, parts[1]) : undefined;
    if (!obj) return notFound(res, url.pathname);
    if (req.method === 'PUT' && type === 'Job' && parts[2] === 'abort') {
      jobs.abort(obj.id.value);
      return out(200, obj);
    }
    if (type === 'Vm') {
      const vm = obj as VmObj;
      if (req.method === 'DELETE' && parts.length === 2) return job(ops.remove(vm));
      if (req.method === 'PUT' && (parts[2] === 'start' || parts[2] === 'stop' || parts[2] === 'kill'))
        return job(ops.power(vm, parts[2]));
      if (req.method === 'PUT' && parts[2] === 'clone') {
        const pool = url.searchParams.get('serverPoolId');
        if (!pool || !store.get('ServerPool', pool))
          return send(
            res,
            400,
            errorBody(
              'GEN_000032',
              `GEN_000032:Missing or invalid query parameter serverPoolId`,
              'GENERAL_INVALID_PARAMETER',
            ),
          ); // *assumed* code
        return job(
          ops.clone(
            vm,
            pool,
            url.searchParams.get('repositoryId') ?? undefined,
            url.searchParams.get('createTemplate') === 'true',
            url.searchParams.get('vmCloneDefinitionId') ?? undefined,
          ),
        );
      }
      if (parts[2] === 'VmCloneDefinition') {
        if (req.method === 'POST' && parts.length === 3) return job(customizers.createDefinition(vm, body));
        const def = store.get<VmCloneDefinitionObj>('VmCloneDefinition', parts[3] ?? '');
        if (req.method === 'DELETE' && parts.length === 4 && def && def.vmId.value === vm.id.value)
          return job(customizers.deleteDefinition(vm, def));
      }
    }
    if (type === 'VmCloneDefinition' && parts[2] === 'VmCloneStorageMapping') {
      const def = obj as VmCloneDefinitionObj;
      if (req.method === 'POST' && parts.length === 3) return job(customizers.createStorageMapping(def, body));
      const m = store.get<VmCloneStorageMappingObj>('VmCloneStorageMapping', parts[3] ?? '');
      if (req.method === 'DELETE' && parts.length === 4 && m && m.vmCloneDefinitionId.value === def.id.value)
        return job(customizers.deleteStorageMapping(def, m));
    }
    if (type === 'Repository') {
      const repo = obj as RepositoryObj;
      if (req.method === 'DELETE' && parts[2] === 'VirtualDisk' && parts.length === 4) {
        const disk = store.get<VirtualDiskObj>('VirtualDisk', parts[3]);
        if (!disk || disk.repositoryId.value !== repo.id.value) return notFound(res, url.pathname);
        return job(repoOps.deleteDisk(repo, disk));
      }
    }
    if (type === 'ServerPool' && req.method === 'PUT' && parts[2] === 'addVm' && parts.length === 3) {
      const id = (body as { value?: unknown } | undefined)?.value;
      return job(repoOps.addVm(obj as ServerPoolObj, typeof id === 'string' ? store.get<VmObj>('Vm', id) : undefined));
    }
    return notFound(res, url.pathname);
  }

  /** Basic creates a session (cookie JSESSIONID, WebLogic's); the cookie alone is enough afterwards. */
  function authenticate(req: IncomingMessage, res: ServerResponse): 'basic' | 'cookie' | undefined {
    const cookie = /(?:^|;\s*)JSESSIONID=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (cookie && sessions.has(cookie)) return 'cookie';
    const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const [u, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
    if (!same(u, username) || !same(rest.join(':'), password)) return undefined;
    const sid = randomBytes(16).toString('hex');
    sessions.add(sid);
    res.setHeader('Set-Cookie', `JSESSIONID=${sid}; path=/; secure; HttpOnly`);
    return 'basic';
  }

  let fileSystemShape: '3.3.3' | 'other' = '3.3.3';
  let serving = true;
  server.on('connection', (socket) => {
    if (!serving) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}${REST_BASE}`,
    port,
    thumbprint: cert.sha256,
    store,
    jobs,
    requests,
    httpFaults,
    restartManager,
    setManagerState: setState,
    addJobFault: (f) => jobs.faults.push(f),
    setFileSystemShape: (shape) => {
      fileSystemShape = shape;
    },
    setServing: (on) => {
      serving = on;
      if (!on) server.closeAllConnections();
    },
    refreshRepository: (key) => {
      cliLog.push(`refresh Repository ${key.id !== undefined ? `id=${key.id}` : `name=${key.name}`}`);
      const repo = (store.all('Repository') as RepositoryObj[]).find((r) =>
        key.id !== undefined ? r.id.value === key.id : r.name === key.name,
      );
      return repo ? jobs.start(repoOps.refresh(repo)) : undefined;
    },
    cliLog,
    importFaults,
    exportVirtualAppliance: (key, name, vms) => {
      cliLog.push(
        `exportVirtualAppliance Repository ${key.id !== undefined ? `id=${key.id}` : `name=${key.name}`} name=${name} vms=${vms.join(',')}`,
      );
      const repo = (store.all('Repository') as RepositoryObj[]).find((r) =>
        key.id !== undefined ? r.id.value === key.id : r.name === key.name,
      );
      const plan = repo && appliances.export(repo, name, vms);
      return plan ? jobs.start(plan) : undefined;
    },
    appliances,
    exportFaults: appliances.faults,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A FileSystem without the 3.3.3 keys `size`/`freeSize` (setFileSystemShape('other')); other objects unchanged. */
function otherFileSystemShape(v: unknown): unknown {
  if (!v || typeof v !== 'object' || !('freeSize' in v)) return v;
  const { size, freeSize, ...rest } = v as { size: number; freeSize: number };
  return { ...rest, totalBytes: size, availableBytes: freeSize };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The error body of a real OVM 3.4.6 400 (platform-facts.md §3.1): message, errorCode, cause null, wsErrorCode. */
export function errorBody(errorCode: string, message: string, wsErrorCode: string): string {
  return JSON.stringify({ message, errorCode, cause: null, wsErrorCode });
}

/** *assumed*: a 404 in the same four-key shape (no public capture of one). */
function notFound(res: ServerResponse, p: string): void {
  send(res, 404, errorBody('OVMAPI_WS_0001E', `OVMAPI_WS_0001E Object not found: ${p}`, 'OBJECT_NOT_FOUND'));
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > 4 * 1024 * 1024) throw new Error('request body too large');
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

/** Child collections (vmapi-rest-uri-mapping: GET /{Type}/{id}/{ChildType}). */
function children(store: OvmStore, obj: AnyObj, child: OvmType): AnyObj[] | undefined {
  const listField: Partial<Record<string, string>> = {
    'ServerPool/Server': 'serverIds',
    'ServerPool/Vm': 'vmIds',
    'Server/Vm': 'vmIds',
    'Server/Repository': 'repositoryIds',
    'Repository/VirtualDisk': 'virtualDiskIds',
    'Repository/Vm': 'vmIds',
    'Vm/VmDiskMapping': 'vmDiskMappingIds',
    'Vm/VmCloneDefinition': 'vmCloneDefinitionIds',
    'VmCloneDefinition/VmCloneStorageMapping': 'vmCloneStorageMappingIds',
  };
  const field = listField[`${obj.id.type}/${child}`];
  if (!field) return undefined;
  return ((obj as unknown as Record<string, Ref[]>)[field] ?? [])
    .map((r) => store.get(r.type, r.value))
    .filter((o): o is AnyObj => o !== undefined);
}

/** Every stored Ref becomes a SimpleId {type, value, uri, name} with the uri on the request's host (fog-oracle mocks). */
function render(value: unknown, store: OvmStore, host: string): unknown {
  if (Array.isArray(value)) return value.map((v) => render(v, store, host));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (
      keys.length === 2 &&
      typeof o.type === 'string' &&
      typeof o.value === 'string' &&
      OVM_TYPES.includes(o.type as OvmType)
    ) {
      const r = o as unknown as Ref;
      return {
        type: WS_TYPE_PREFIX + r.type,
        value: r.value,
        uri: `https://${host}${REST_BASE}/${r.type}/${encodeURIComponent(r.value)}`,
        name: store.name(r),
      };
    }
    return Object.fromEntries(keys.map((k) => [k, render(o[k], store, host)]));
  }
  return value;
}

export type { VmObj };
