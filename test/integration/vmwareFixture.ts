// Starts VMware's simulator (test/peers/vcsim) and a connected vim25 client pinned to its certificate.
import { Vcsim, VcsimOptions, startVcsim } from '../peers/vcsim/vcsim';
import { VimClient } from '../../src/providers/vmware/vimClient';
import { JobContext } from '../../src/core/job';
import { ConnectionProfile } from '../../src/core/model';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';

export const VCSIM_PASSWORD = 'vc-secret-Pq7';

export interface VmwareFixture {
  sim: Vcsim;
  client: VimClient;
}

export async function startVmwareFixture(opts: VcsimOptions = {}): Promise<VmwareFixture> {
  const sim = await startVcsim({ username: 'administrator@vsphere.local', password: VCSIM_PASSWORD, ...opts });
  const client = newClient(sim);
  await client.connect();
  return { sim, client };
}

export function newClient(sim: Vcsim, over: Partial<ConstructorParameters<typeof VimClient>[0]> = {}): VimClient {
  return new VimClient({
    url: sim.baseUrl,
    username: 'administrator@vsphere.local',
    password: VCSIM_PASSWORD,
    thumbprint: sim.sha256,
    ...over,
  });
}

export async function stopVmwareFixture(f: VmwareFixture | undefined): Promise<void> {
  if (!f) return;
  await f.client.logout().catch(() => undefined);
  await f.sim.close();
}

/**
 * One simulator and a connected client for a mocha suite (generous timeout: the first suite of a run may build the
 * launcher); the returned getter gives the fixture inside the suite's tests and hooks.
 */
export function vcsimSuite(suite: Mocha.Suite, opts: VcsimOptions = {}): () => VmwareFixture {
  suite.timeout(300_000);
  let f: VmwareFixture | undefined;
  before(async () => {
    f = await startVmwareFixture(opts);
  });
  after(async () => {
    await stopVmwareFixture(f);
  });
  return () => f!;
}

/**
 * A job context that records its log lines (`logs`); progress goes to `onFraction` as a fraction 0–1 (the reported
 * fraction, else bytes done of the total), and is ignored without it.
 */
export function loggingCtx(
  signal = new AbortController().signal,
  onFraction: (f: number) => void = () => undefined,
): JobContext & { logs: string[] } {
  const logs: string[] = [];
  return {
    signal,
    logs,
    log: (l) => {
      logs.push(l);
    },
    progress: (p) => {
      const f = p.fraction ?? (p.bytesTotal ? p.bytesDone / p.bytesTotal : undefined);
      if (f !== undefined) onFraction(f);
    },
  };
}

/** The `platform: vmware` connection profile `vc` for the simulator (pinned to its certificate), as a user writes it. */
export function vcsimConnection(sim: Vcsim, repository?: string): ConnectionProfile {
  return {
    name: 'vc',
    platform: 'vmware',
    url: sim.baseUrl,
    username: 'administrator@vsphere.local',
    thumbprint: sim.sha256,
    ...(repository ? { repository } : {}),
  };
}

/** A provider (connection "vc") to the simulator, pinned to its certificate; not yet connected. */
export function newProvider(sim: Vcsim): VmwareProvider {
  return new VmwareProvider(vcsimConnection(sim), { password: VCSIM_PASSWORD });
}
