// XAPI (XCP-ng 8.2.1) lab simulator entry point.
import { createServer, IncomingMessage, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { XapiError } from './errors';
import { handleDbDump } from './dbDumpHandler';
import { handleExport, handleExportMetadata } from './exportHandler';
import { handleHostBackup } from './hostBackupHandler';
import { httpError } from './httpCommon';
import { handleImport } from './importHandler';
import { handleJsonRpc } from './jsonrpc';
import { RpcContext } from './rpc';
import { seedInventory } from './seed';
import { XapiStore } from './store';
import { TaskManager } from './tasks';
import { XapiFaults } from './types';
import { setDenseDisks } from './diskContent';
import { VmOps } from './vmOps';

export { XapiFaults } from './types';
export { XapiStore } from './store';
export { xxh64Hex } from './xxhash64';

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
   * Test-only: `PUT /lab/faults` with a JSON XapiFaults body replaces the fault set, so a test in another process
   * (the extension host of the e2e suite) can switch faults. Off unless set; never part of XAPI.
   */
  faultControl?: boolean;
}

export interface XapiLab {
  url: string;
  port: number;
  close(): Promise<void>;
  faults: XapiFaults;
  store: XapiStore;
  /** "METHOD path" and RPC method names only (never params). */
  requests: string[];
}

async function replaceFaults(faults: XapiFaults, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  let next: XapiFaults;
  try { next = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as XapiFaults; } catch { return httpError(res, 400, 'JSON body expected'); }
  for (const k of Object.keys(faults) as Array<keyof XapiFaults>) delete faults[k];
  Object.assign(faults, next);
  res.writeHead(204); res.end();
}

export const bigInventory: Pick<XapiLabOptions, 'hosts' | 'vmsPerHost'> = { hosts: 100, vmsPerHost: 100 };

export async function startXapiLab(opts: XapiLabOptions = {}): Promise<XapiLab> {
  setDenseDisks(!!opts.denseDisks);
  const store = new XapiStore(opts.seed ?? 42);
  seedInventory(store, { hosts: opts.hosts ?? 3, vmsPerHost: opts.vmsPerHost ?? 4, diskBytes: opts.diskBytes ?? 8 * 1024 * 1024 });
  const faults: XapiFaults = {};
  const requests: string[] = [];
  const ops = new VmOps(store);
  // one VM with a two-snapshot chain
  const withSnaps = [...store.table('VM')].find(([, v]) => !v.is_control_domain && !v.is_a_template && v.power_state === 'Halted');
  if (withSnaps) {
    ops.doSnapshot(withSnaps[0], `${withSnaps[1].name_label} before upgrade`);
    ops.doSnapshot(withSnaps[0], `${withSnaps[1].name_label} nightly`);
  }
  const ctx: RpcContext = {
    store, tasks: new TaskManager(store, opts.taskStepMs ?? 50, faults), ops, faults,
    username: opts.username ?? 'root', password: opts.password ?? 'lab-secret', slaveOf: opts.slaveOf,
    sessions: new Map(), log: requests,
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://lab');
    const path = u.pathname.replace(/\/+$/, '') || '/';
    requests.push(`${req.method} ${path}`);
    if (faults.httpStatus && faults.httpStatus.path === path) return httpError(res, faults.httpStatus.status, 'injected fault');
    const q = u.searchParams;
    if (opts.faultControl && path === '/lab/faults' && req.method === 'PUT') return replaceFaults(faults, req, res);
    if (path === '/jsonrpc' && req.method === 'POST') return handleJsonRpc(ctx, req, res);
    if (path === '/export' && req.method === 'GET') return handleExport(ctx, req, res, q);
    if (path === '/export_metadata' && req.method === 'GET') return handleExportMetadata(ctx, req, res, q);
    if (path === '/import' && req.method === 'PUT') return handleImport(ctx, req, res, q);
    if (path === '/pool/xmldbdump') return handleDbDump(ctx, req, res, q);
    if (path === '/host_backup' && req.method === 'GET') return handleHostBackup(ctx, req, res, q);
    return httpError(res, 404, `no handler for ${req.method} ${path}`);
  };
  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (e instanceof XapiError) {
        const status = e.code === 'SESSION_INVALID' || e.code === 'SESSION_AUTHENTICATION_FAILED' || e.code === 'HOST_IS_SLAVE' ? 401 : 500;
        httpError(res, status, e.toArray().join(' '));
      } else httpError(res, 500, String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, port, faults, store, requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
