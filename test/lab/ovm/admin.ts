// The lab's admin hook for the Manager host stubs (test/peers/ovmm-tools): plain HTTP on 127.0.0.1, not part of the
// Manager. It lets `service ovmm stop|start`, BackupDatabase and RestoreDatabase.sh act on the REST lab: its state is
// dumped into and loaded from the stubs' "database", the Manager stops serving and starts STARTING → RUNNING, and a
// manual backup is a Manager job named `Start Backup to: ManualBackup` (platform-facts.md §3.5, §3.6); the Manager
// CLI stub's `refresh Repository` starts the repository's refresh job, its `exportVirtualAppliance`, `list` and
// `delete VirtualAppliance` act on the lab's appliances (applianceOps.ts).
import * as fs from 'node:fs';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { OvmLab } from './index';
import { AnyObj, JobObj } from './model';

export interface OvmLabAdmin {
  url: string;
  close(): Promise<void>;
}

/** The whole inventory as JSON: type → objects (jobs included: they are in the Manager's database too). */
export function dumpState(lab: OvmLab): Record<string, AnyObj[]> {
  return Object.fromEntries([...lab.store.objects].map(([t, m]) => [t, [...m.values()]]));
}

/** Replaces the inventory with a dump (a restored database). */
export function loadState(lab: OvmLab, state: Record<string, AnyObj[]>): void {
  for (const [t, m] of lab.store.objects) {
    m.clear();
    for (const o of state[t] ?? []) m.set(o.id.value, o);
  }
}

/**
 * Files of a MySQL backup directory as the stubs write them (the real contents: §12.1.2.1), owned by `owner` (the
 * Manager host's user: the stubs run as the peer's user, the lab as root).
 */
function writeBackup(dir: string, state: unknown, version: string, owner?: { uid: number; gid: number }): void {
  const w = (rel: string, text: string) => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { mode: 0o644 });
    if (owner) {
      fs.chownSync(path.dirname(file), owner.uid, owner.gid);
      fs.chownSync(file, owner.uid, owner.gid);
    }
  };
  w('backup-my.cnf', '[mysqld]\ndatadir=/u01/app/oracle/mysql/data\n');
  w('meta/backup_variables.txt', `ovm_version=${version}\nbackup_type=FULL\n`);
  w('datadir/ovm-lab-state.json', JSON.stringify(state));
  w('ManualBackup.log', `backup of OVM Manager ${version}\n`);
}

export async function startOvmAdmin(
  lab: OvmLab,
  opts: { username?: string; password?: string; backupSteps?: number } = {},
): Promise<OvmLabAdmin> {
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'Welcome1';
  const same = (a: string, b: string) =>
    Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => send(res, 500, { error: e.message }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/state') return send(res, 200, dumpState(lab));
    if (req.method === 'PUT' && url === '/state') {
      loadState(lab, body);
      return send(res, 200, {});
    }
    if (req.method === 'POST' && url === '/serving') {
      lab.setServing(!!body.on);
      return send(res, 200, {});
    }
    if (req.method === 'POST' && url === '/restart') {
      lab.restartManager(Number(body.ms) || 0);
      return send(res, 200, {});
    }
    if (req.method === 'GET' && url.startsWith('/job/')) {
      const job = lab.store.get<JobObj>('Job', decodeURIComponent(url.slice(5)));
      return job ? send(res, 200, job) : send(res, 404, { error: 'no such job' });
    }
    if (req.method === 'POST' && url === '/cli/refresh-repository') {
      const job = lab.refreshRepository({
        id: typeof body.id === 'string' ? body.id : undefined,
        name: typeof body.name === 'string' ? body.name : undefined,
      });
      return send(res, 200, job ? { jobId: job.id.value } : { error: 'no such repository' });
    }
    if (req.method === 'POST' && url === '/cli/export-virtual-appliance') {
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const job = lab.exportVirtualAppliance(
        { id: str(body.id), name: str(body.repository) },
        String(body.name),
        Array.isArray(body.vms) ? body.vms.map(String) : [],
      );
      return send(res, 200, job ? { jobId: job.id.value } : { error: 'no such repository or virtual machine' });
    }
    if (req.method === 'GET' && url === '/cli/virtual-appliances')
      return send(
        res,
        200,
        [...lab.appliances.appliances.values()].map((a) => ({
          id: a.id,
          name: a.name,
          repositoryId: a.repositoryId,
          vmIds: a.vmIds,
        })),
      );
    if (req.method === 'POST' && url === '/cli/delete-virtual-appliance') {
      lab.cliLog.push(`delete VirtualAppliance ${body.id !== undefined ? `id=${body.id}` : `name=${body.name}`}`);
      const deleted = lab.appliances.delete({
        id: typeof body.id === 'string' ? body.id : undefined,
        name: typeof body.name === 'string' ? body.name : undefined,
      });
      return send(res, 200, deleted ? {} : { error: 'no such virtual appliance' });
    }
    if (req.method === 'POST' && url === '/backup-job') {
      if (!same(String(body.username), username) || !same(String(body.password), password))
        return send(res, 200, { error: 'Invalid username or password' });
      const version = String(body.version);
      const owner = typeof body.uid === 'number' ? { uid: body.uid, gid: Number(body.gid) } : undefined;
      const job = lab.jobs.start({
        name: 'Start Backup to: ManualBackup',
        steps: [
          { message: 'Checking the database consistency', run: () => undefined },
          {
            message: 'Backing up the database',
            run: () => writeBackup(destination(job.id.value), dumpState(lab), version, owner),
          },
        ],
      });
      const destination = (id: string) => path.join(String(body.dbbackup), `ManualBackup-${body.stamp}_${id}`);
      fs.mkdirSync(destination(job.id.value), { recursive: true, mode: 0o755 });
      if (owner) fs.chownSync(destination(job.id.value), owner.uid, owner.gid);
      return send(res, 200, { jobId: job.id.value, destination: destination(job.id.value) });
    }
    send(res, 404, { error: `no ${req.method} ${url}` });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export { writeBackup };
