// XAPI (XCP-ng 8.2.1) lab simulator entry point.
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { createServer as createTlsServer } from 'https';
import { AddressInfo } from 'net';
import { XapiError } from './errors';
import { handleDbDump } from './dbDumpHandler';
import { handleExport, handleExportMetadata } from './exportHandler';
import { handleExportRawVdi } from './exportRawVdiHandler';
import { handleHostBackup } from './hostBackupHandler';
import { httpError } from './httpCommon';
import { handleImport } from './importHandler';
import { EventHub, XAPI_EVENT_QUEUE_BYTES } from './events';
import { handleJsonRpc } from './jsonrpc';
import { handleXmlRpc } from './xmlrpcHandler';
import { RpcContext } from './rpc';
import { hostAddress, seedInventory } from './seed';
import { sendRedirect } from './placement';
import { XapiStore } from './store';
import { TaskManager } from './tasks';
import { XapiFaults } from './types';
import { setDenseDisks } from './diskContent';
import { VmOps } from './vmOps';
import { setToolstack, Toolstack, ToolstackTiming } from './toolstack';

export { XapiFaults } from './types';
export { XapiStore } from './store';
export { xxh64Hex } from './xxhash64';
import { loadXxh64 } from './xxhash64';

export interface XapiLabOptions {
  port?: number;
  hosts?: number;
  vmsPerHost?: number;
  username?: string;
  password?: string;
  diskBytes?: number;
  taskStepMs?: number;
  seed?: number;
  /** When set (e.g. '127.0.0.1:8443'), every login answers HOST_IS_SLAVE [slaveOf]. */
  slaveOf?: string;
  /** Benchmarks: every disk chunk holds data (see diskContent.setDenseDisks). Process-wide. */
  denseDisks?: boolean;
  /**
   * Serve HTTPS: host i uses tls[min(i, tls.length - 1)] (XCP-ng hosts each have their own certificate), and
   * host.get_server_certificate reports that certificate — or `reported`, to play an impostor at the host's address
   * whose certificate is not the one xapi installed. Redirects then say `https`, as xapi's do; without TLS the lab
   * says `http` and reports no certificate.
   */
  tls?: { key: string | Buffer; cert: string | Buffer; reported?: string | Buffer }[];
  /**
   * Test-only: `PUT /lab/faults` with a JSON XapiFaults body replaces the fault set, so a test in another process
   * (the extension host of the e2e suite) can switch faults. Off unless set; never part of XAPI.
   */
  faultControl?: boolean;
  /** Bytes the deprecated event.next queue keeps before dropping the oldest (EVENTS_LOST); xapi's 10,000,000. */
  eventQueueBytes?: number;
  /**
   * After a real pool database restore: the fuse before the toolstack restarts (xapi: 30 s, constants.ml
   * db_restore_fuse_time) and how long it answers nothing. Default { fuseMs: 100, downMs: 500 }.
   */
  toolstack?: ToolstackTiming;
  /**
   * Benchmarks: a JSON-RPC reply to a call that wrote the database carries `x-lab-write-hrtime`, the monotonic clock
   * (process.hrtime, shared by the processes of one machine) in ns at its first write, so a client can time an
   * event from the lab's write. Default: the environment's VMBACKUP_LAB_WRITE_TIMES=1. Never part of XAPI.
   */
  writeTimes?: boolean;
}

/** One listener per pool host, at the host's `address` and the lab's common port. */
export interface LabHost {
  ref: string;
  address: string;
  url: string;
  requests: string[];
}

export interface XapiLab {
  /** The master's URL. */
  url: string;
  port: number;
  /** Every host (master first) with the requests its listener received. */
  hosts: LabHost[];
  close(): Promise<void>;
  faults: XapiFaults;
  store: XapiStore;
  /** The event hub (its `serialisations` counts the records it copied into events). */
  events: EventHub;
  /** "METHOD path" and RPC method names only (never params), from every host's listener. */
  requests: string[];
}

async function replaceFaults(faults: XapiFaults, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  let next: XapiFaults;
  try {
    next = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as XapiFaults;
  } catch {
    return httpError(res, 400, 'JSON body expected');
  }
  for (const k of Object.keys(faults) as Array<keyof XapiFaults>) delete faults[k];
  Object.assign(faults, next);
  res.writeHead(204);
  res.end();
}

export const bigInventory: Pick<XapiLabOptions, 'hosts' | 'vmsPerHost'> = { hosts: 100, vmsPerHost: 100 };

export async function startXapiLab(opts: XapiLabOptions = {}): Promise<XapiLab> {
  await loadXxh64();
  setDenseDisks(!!opts.denseDisks);
  const store = new XapiStore(opts.seed ?? 42);
  store.writeTimes = opts.writeTimes ?? process.env.VMBACKUP_LAB_WRITE_TIMES === '1';
  seedInventory(store, {
    hosts: opts.hosts ?? 3,
    vmsPerHost: opts.vmsPerHost ?? 4,
    diskBytes: opts.diskBytes ?? 8 * 1024 * 1024,
  });
  const faults: XapiFaults = {};
  const requests: string[] = [];
  const toolstack = new Toolstack(opts.toolstack ?? { fuseMs: 100, downMs: 500 });
  setToolstack(store, toolstack);
  const ops = new VmOps(store);
  // one VM with a two-snapshot chain
  const withSnaps = [...store.table('VM')].find(
    ([, v]) => !v.is_control_domain && !v.is_a_template && v.power_state === 'Halted',
  );
  if (withSnaps) {
    ops.doSnapshot(withSnaps[0], `${withSnaps[1].name_label} before upgrade`);
    ops.doSnapshot(withSnaps[0], `${withSnaps[1].name_label} nightly`);
  }
  const scheme = opts.tls ? 'https' : 'http';
  let port = opts.port ?? 0;
  const hostRefs = [...store.table('host').keys()];
  const sessions: RpcContext['sessions'] = new Map();
  const events = new EventHub(
    store,
    (s) => sessions.get(s)?.alive === true,
    opts.eventQueueBytes ?? XAPI_EVENT_QUEUE_BYTES,
  );
  const ctx: RpcContext = {
    events,
    store,
    tasks: new TaskManager(store, opts.taskStepMs ?? 50, faults),
    ops,
    faults,
    username: opts.username ?? 'root',
    password: opts.password ?? 'lab-secret',
    slaveOf: opts.slaveOf,
    sessions,
    log: requests,
    hostBaseUrl: (ref) => `${scheme}://${store.must('host', ref).address}:${port}`,
    serverCertificate: (ref) => {
      const id = opts.tls?.[Math.min(hostRefs.indexOf(ref), opts.tls.length - 1)];
      return id ? String(id.reported ?? id.cert) : '';
    },
  };

  const route = async (
    hctx: RpcContext,
    hostLog: string[],
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    if (toolstack.down) {
      req.socket.destroy();
      return;
    } // restarting: nothing answers
    const u = new URL(req.url ?? '/', 'http://lab');
    const path = u.pathname.replace(/\/+$/, '') || '/';
    requests.push(`${req.method} ${path}`);
    hostLog.push(`${req.method} ${path}`);
    if (faults.httpStatus && faults.httpStatus.path === path)
      return httpError(res, faults.httpStatus.status, 'injected fault');
    if (faults.redirect && faults.redirect.path === path)
      return sendRedirect(res, `${faults.redirect.location}?${u.search.slice(1)}`);
    const q = u.searchParams;
    if (opts.faultControl && path === '/lab/faults' && req.method === 'PUT') return replaceFaults(faults, req, res);
    if (path === '/jsonrpc' && req.method === 'POST') return handleJsonRpc(hctx, req, res);
    // XML-RPC: xapi serves it on POST / (XenAPI.py posts to /RPC2, xen-api to /xmlrpc)
    if ((path === '/' || path === '/RPC2' || path === '/xmlrpc') && req.method === 'POST')
      return handleXmlRpc(hctx, req, res);
    if (path === '/export' && req.method === 'GET') return handleExport(hctx, req, res, q);
    if (path === '/export_metadata' && req.method === 'GET') return handleExportMetadata(hctx, req, res, q);
    if (path === '/export_raw_vdi' && req.method === 'GET') return handleExportRawVdi(hctx, req, res, q);
    if (path === '/import' && req.method === 'PUT') return handleImport(hctx, req, res, q);
    if (path === '/pool/xmldbdump') return handleDbDump(hctx, req, res, q);
    if (path === '/host_backup' && req.method === 'GET') return handleHostBackup(hctx, req, res, q);
    return httpError(res, 404, `no handler for ${req.method} ${path}`);
  };
  const makeServer = (i: number, hctx: RpcContext, hostLog: string[]): Server => {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      route(hctx, hostLog, req, res).catch((e: unknown) => {
        if (e instanceof XapiError) {
          const status =
            e.code === 'SESSION_INVALID' || e.code === 'SESSION_AUTHENTICATION_FAILED' || e.code === 'HOST_IS_SLAVE'
              ? 401
              : 500;
          httpError(res, status, e.toArray().join(' '));
        } else httpError(res, 500, String(e));
      });
    };
    const id = opts.tls?.[Math.min(i, opts.tls.length - 1)];
    return id ? createTlsServer({ key: id.key, cert: id.cert }, handler) : createServer(handler);
  };
  const listen = (srv: Server, address: string, p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(p, address, () => {
        srv.removeListener('error', reject);
        resolve();
      });
    });
  const closeAll = (servers: Server[]): Promise<void> =>
    Promise.all(
      servers.map(
        (srv) =>
          new Promise<void>((resolve) => {
            srv.closeAllConnections();
            srv.close(() => resolve());
          }),
      ),
    ).then(() => undefined);

  // The master takes a port (or the given one); every member listens on its own loopback address, same port.
  // Members answer logins with HOST_IS_SLAVE [master address], serve the handlers for what they see, and
  // accept the pool-wide sessions.
  const masterAddress = store.must('host', store.pool().rec.master).address as string;
  let servers: Server[] = [];
  let hosts: LabHost[];
  for (let attempt = 0; ; attempt++) {
    servers = [];
    hosts = [];
    try {
      for (let i = 0; i < hostRefs.length; i++) {
        const address = hostAddress(i);
        const hostLog: string[] = [];
        const hctx: RpcContext =
          i === 0
            ? { ...ctx, localHost: hostRefs[0] }
            : { ...ctx, localHost: hostRefs[i], slaveOf: opts.slaveOf ?? masterAddress };
        const srv = makeServer(i, hctx, hostLog);
        await listen(srv, address, port);
        servers.push(srv);
        if (i === 0) port = (srv.address() as AddressInfo).port;
        hosts.push({ ref: hostRefs[i], address, url: `${scheme}://${address}:${port}`, requests: hostLog });
      }
      break;
    } catch (e) {
      await closeAll(servers);
      if (opts.port || attempt >= 5) throw e;
      port = 0; // a member's address had that port taken: start over on another one
    }
  }
  // The restart ends every session and connection (clients see the connection drop and log in again).
  toolstack.onRestart = () => {
    ctx.sessions.clear();
    for (const srv of servers) srv.closeAllConnections();
  };
  return {
    url: hosts[0].url,
    port,
    faults,
    store,
    events,
    requests,
    hosts,
    close: () => {
      events.close();
      toolstack.stop();
      return closeAll(servers);
    },
  };
}
