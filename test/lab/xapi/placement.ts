// Which host serves a data-plane request: xapi's importexport.ml (check_vm_host_SRs / find_host_for_VM,
// check_sr_availability / find_host_for_sr). A host "sees" an SR when it has an attached PBD to it.
import { IncomingMessage, ServerResponse } from 'http';
import { XapiError } from './errors';
import { RpcContext } from './rpc';
import { XapiStore } from './store';

export function hostSeesSr(store: XapiStore, hostRef: string, srRef: string): boolean {
  return (store.get('SR', srRef)?.PBDs ?? []).some((p: string) => {
    const pbd = store.get('PBD', p);
    return pbd?.host === hostRef && pbd.currently_attached === true;
  });
}

/** The SRs of a VM's disks (CDs and empty drives excluded), as Xapi_vm_helpers.assert_can_see_SRs checks them. */
export function vmSrs(store: XapiStore, vmRef: string): string[] {
  const srs = new Set<string>();
  for (const vbd of store.must('VM', vmRef).VBDs as string[]) {
    const b = store.get('VBD', vbd);
    if (!b || b.empty || b.type === 'CD') continue;
    const vdi = store.get('VDI', b.VDI);
    if (vdi) srs.add(vdi.SR);
  }
  return [...srs];
}

/** The first host (master first, like choose_host) that sees all the SRs; NO_HOSTS_AVAILABLE otherwise. */
export function hostSeeingAll(store: XapiStore, srs: string[]): string {
  const master = store.pool().rec.master as string;
  const hosts = [master, ...[...store.table('host').keys()].filter((h) => h !== master)];
  const ok = hosts.find((h) => srs.every((sr) => hostSeesSr(store, h, sr)));
  if (!ok) throw new XapiError('NO_HOSTS_AVAILABLE', []);
  return ok;
}

/**
 * Answers 302 when `srs` are not all visible from the host that received the request, to
 * `<scheme>://<that host's address>[:port]<path>?<same query>` (xapi writes `https://<address>`; the lab has
 * one port for the whole pool and says `http` when it runs without TLS). Returns true when it redirected.
 */
export function redirectIfElsewhere(
  ctx: RpcContext,
  req: IncomingMessage,
  res: ServerResponse,
  srs: string[],
  q: URLSearchParams,
): boolean {
  const here = ctx.localHost ?? ctx.store.pool().rec.master;
  if (srs.every((sr) => hostSeesSr(ctx.store, here, sr))) return false;
  let target: string;
  try {
    target = hostSeeingAll(ctx.store, srs);
  } catch (e) {
    // No host can serve it: the handler owns the caller's task then, and fails it.
    const t = q.get('task_id');
    if (t && ctx.store.get('task', t)) ctx.tasks.fail(t, (e as XapiError).toArray());
    throw e;
  }
  const query = (req.url ?? '').split('?')[1] ?? '';
  sendRedirect(res, `${ctx.hostBaseUrl(target)}${(req.url ?? '/').split('?')[0]}?${query}`);
  return true;
}

export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, connection: 'close', 'content-length': 0 });
  res.end();
}
