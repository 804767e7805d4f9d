// On the bench machine the lab (the "XenServer host") and the client share the CPUs; on a real site they are two
// machines. Pin the lab to CPU 0 and this process (and the curl it starts) to CPU 1, so neither steals the other's core.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';

export interface Pinning {
  labPrefix: string[];
  note: string;
  /** Gives this process all CPUs back (for benches of a whole VS Code). */ release(): void;
}

export function pinCpus(): Pinning {
  const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
  const cpus = os.cpus().length;
  if (cpus < 2 || !hasTaskset)
    return { labPrefix: [], note: 'lab and client share the CPUs (no taskset or one CPU)', release: () => undefined };
  const pin = (list: string) =>
    spawnSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
  pin('1');
  return {
    labPrefix: ['taskset', '-c', '0'],
    note: 'transfers: lab pinned to CPU 0, client (ours and curl) to CPU 1',
    release: () => pin(`0-${cpus - 1}`),
  };
}
