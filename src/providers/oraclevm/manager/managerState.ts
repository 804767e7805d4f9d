// What the restore runbooks ask the Manager and its host: service states, the REST run state, the inventory.
import { CancelledError, isCancel } from '../../../core/errors';
import { VendorError } from '../../../core/errors';
import { setTimeout as sleep } from 'node:timers/promises';
import { SshSession } from '../../../transport/ssh';
import { OvmClient } from '../ovmClient';
import { remoteOutputText } from '../../../core/controlChars';
import { listServerPools, listServers, listVms } from '../ovmInventory';
import { RunbookStep } from '../../../core/runbook';
import { ManagerLayout, ManagerService } from './managerHost';

/**
 * Runs `/sbin/service <name> <action>` with live output. Non-zero → Error with the tool's output verbatim (escaped).
 */
export async function runService(
  ssh: SshSession,
  layout: ManagerLayout,
  name: ManagerService,
  action: 'start' | 'stop',
  opts: { signal: AbortSignal; output(t: string): void },
): Promise<void> {
  const argv = layout.serviceCommand(name, action);
  opts.output(`$ ${argv.join(' ')}\n`);
  const r = await ssh.exec(argv, { signal: opts.signal, onOutput: (t) => opts.output(t) });
  if (r.code !== 0)
    throw new Error(
      `${ssh.where}: ${argv.join(' ')} exited with ${r.code ?? r.signal}${remoteOutputText((r.stdout + r.stderr).trim().slice(-2000))}`,
    );
}

/**
 * Whether a service runs: `service <name> status` exits 0 when it does, non-zero (3 = "program is not running") when
 * not (Linux Standard Base Core, Init Script Actions).
 */
export async function serviceRunning(
  ssh: SshSession,
  layout: ManagerLayout,
  name: ManagerService,
  signal?: AbortSignal,
): Promise<boolean> {
  return (await ssh.exec(layout.serviceCommand(name, 'status'), { signal })).code === 0;
}

/**
 * Waits until the Manager answers with managerRunState RUNNING (vmapi-rest-managerstate), telling each state it
 * waits in (STARTING…) and that it does not answer yet (WebLogic still starting: refused connections are retried).
 * A VendorError (authentication, a Manager error) ends the wait at once.
 */
export async function waitForRunning(
  client: OvmClient,
  opts: { signal: AbortSignal; output(t: string): void; timeoutMs?: number },
): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let told = '';
  for (;;) {
    let state: string;
    try {
      state = (await client.manager(opts.signal)).managerRunState;
    } catch (e) {
      if (isCancel(e)) throw new CancelledError();
      if (e instanceof VendorError && e.code !== 'HTTP_503') throw e;
      state = `not answering (${(e as Error).message.split('\n')[0]})`;
    }
    if (state === 'RUNNING') {
      opts.output('Oracle VM Manager is RUNNING\n');
      return 'RUNNING';
    }
    if (state !== told) {
      told = state;
      opts.output(`Oracle VM Manager is ${state}: waiting until it is RUNNING\n`);
    }
    if (Date.now() > deadline) throw new Error(`Oracle VM Manager still ${told} at the time limit`);
    try {
      await sleep(client.pollMs, undefined, { signal: opts.signal });
    } catch {
      throw new CancelledError();
    }
  }
}

export interface InventorySummary {
  managerUuid?: string;
  pools: string[];
  servers: string[];
  vms: string[];
}

/** The Manager's UUID (`managerUuid`, else its id) and the names of its server pools, servers and VMs. */
export async function inventorySummary(client: OvmClient, signal?: AbortSignal): Promise<InventorySummary> {
  const managers = (await client.get('Manager', signal)) as Array<{ managerUuid?: unknown; id?: { value?: unknown } }>;
  const m = Array.isArray(managers) ? managers[0] : undefined;
  const uuid =
    typeof m?.managerUuid === 'string' ? m.managerUuid : typeof m?.id?.value === 'string' ? m.id.value : undefined;
  const pools = await listServerPools(client, signal);
  const servers = await listServers(client, undefined, signal);
  const vms = await listVms(client, {}, signal);
  return {
    managerUuid: uuid,
    pools: pools.map((p) => p.name),
    servers: servers.map((s) => s.name),
    vms: vms.map((v) => v.name),
  };
}

/** UUIDs compared as the Manager writes them in various places: hex only, case-insensitive. */
export function sameUuid(a: string | undefined, b: string | undefined): boolean {
  const n = (x: string) => x.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return !!a && !!b && n(a) === n(b);
}

/** The runbooks' step that waits for managerRunState RUNNING (waitForRunning), for any context with a REST client. */
export function waitRunningStep<C extends { client: OvmClient; waitTimeoutMs?: number }>(
  title: string,
): RunbookStep<C> {
  return {
    id: 'wait-running',
    title,
    source: 'REST managerRunState (vmapi-rest-managerstate)',
    async run(c) {
      return waitForRunning(c.client, { signal: c.signal, output: c.output, timeoutMs: c.waitTimeoutMs });
    },
  };
}
