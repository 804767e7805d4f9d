// §12.1.5 as a runbook: a Manager reinstalled with the old UUID but without a database backup, rebuilt from what the
// Oracle VM Servers and their storage hold. The product checks the UUID; the rediscovery steps are the operator's,
// in the guide's order, each confirmed and recorded.
import { Runbook, RunbookStep } from '../../../core/runbook';
import { OvmClient } from '../ovmClient';
import { inventorySummary, sameUuid, waitRunningStep } from './managerState';

export interface ManagerRebuildContext {
  client: OvmClient;
  /** The UUID of the lost Manager: from a product backup of its .config (§12.1.1), or typed. */
  uuid: string;
  waitTimeoutMs?: number;
}

export const MANAGER_REBUILD = 'ovm-manager-rebuild';

/** The eight steps of §12.1.5, in its order; each is done in the Manager (UI or CLI) by the operator. */
const GUIDE_STEPS: Array<[string, string]> = [
  ['discover-one-server', 'Discover one Oracle VM Server of each server pool.'],
  [
    'discover-pool-storage',
    'Discover the storage that holds the server pool file system, present it to the newly discovered server, refresh the storage.',
  ],
  ['refresh-pool-fs', 'Refresh the file system or physical disk that holds the server pool file system.'],
  [
    'refresh-repository-fs',
    'Refresh the file system or physical disk that holds the repositories of the server pool. On "OVMAPI_7281E Cannot perform operation on file system…", take ownership of the repository and refresh the physical disk again.',
  ],
  ['present-repository', 'Present the repository to the Oracle VM Server.'],
  ['refresh-repository', 'Refresh the repository.'],
  ['discover-other-servers', 'Discover the remaining Oracle VM Servers of the server pool.'],
  ['refresh-servers', 'Refresh all Oracle VM Servers of the server pool to discover the virtual machines.'],
];

export function managerRebuildRunbook(): Runbook<ManagerRebuildContext> {
  const manual: RunbookStep<ManagerRebuildContext>[] = GUIDE_STEPS.map(([id, text], i) => ({
    id,
    title: `§12.1.5 step ${i + 1}: ${text.split('.')[0]}`,
    source: `§12.1.5 step ${i + 1}`,
    manual: true,
    warning: `${text} Do it in the Oracle VM Manager UI or CLI, then confirm.`,
    async run() {
      return 'done by the operator';
    },
  }));
  return {
    name: MANAGER_REBUILD,
    title: 'Oracle VM Manager rebuild without a database backup (§12.1.5)',
    steps: [
      waitRunningStep('Wait until the reinstalled Manager is RUNNING'),
      {
        id: 'check-uuid',
        title: 'Check the Manager was reinstalled with the old UUID',
        source: '§12.1.4 step 1, §12.1.5',
        async run(c) {
          const inv = await inventorySummary(c.client, c.signal);
          if (!sameUuid(inv.managerUuid, c.uuid))
            throw new Error(
              `the Manager's UUID is ${inv.managerUuid ?? 'unknown'}, not ${c.uuid}: reinstall it with runInstaller.sh --uuid ${c.uuid} (the servers know their Manager by this UUID)`,
            );
          return `UUID ${c.uuid}`;
        },
      },
      ...manual,
      {
        id: 'check-inventory',
        title: 'Check what was rediscovered',
        async run(c) {
          const inv = await inventorySummary(c.client, c.signal);
          c.output(`server pools: ${inv.pools.length}, servers: ${inv.servers.length}, VMs: ${inv.vms.length}\n`);
          return `${inv.pools.length} server pool(s), ${inv.servers.length} server(s), ${inv.vms.length} VM(s)`;
        },
      },
    ],
  };
}
