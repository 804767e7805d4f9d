// §12.1.4 as a runbook: stop the services, RestoreDatabase.sh <backup> (its prompt, its version check), start them,
// wait for RUNNING, check the inventory is back.
import { Runbook } from '../../../core/runbook';
import { SshSession } from '../../../transport/ssh';
import { OvmClient } from '../ovmClient';
import { printable } from '../ovmErrors';
import { remoteOutputText } from '../../../core/controlChars';
import { configIdentity } from './managerBackup';
import { formatAge, listDbBackups, readRemoteText } from './dbBackups';
import { requireDbBackupName } from './dbBackupName';
import { ManagerLayout, START_ORDER, STOP_ORDER } from './managerHost';
import { inventorySummary, runService, sameUuid, serviceRunning, waitRunningStep } from './managerState';

export interface ManagerRestoreContext {
  ssh: SshSession;
  layout: ManagerLayout;
  client: OvmClient;
  /** The DBBACKUP directory name (§12.1.4: the name only). */
  backup: string;
  /** `--skipversionchecks` (§12.1.4: use with care; a 3.4.x backup before 3.4.5 cannot be used on 3.4.5+). */
  skipVersionChecks?: boolean;
  /** Limit for the wait until RUNNING, ms (default 30 min). */
  waitTimeoutMs?: number;
}

/** The line RestoreDatabase.sh ends a good restore with (§12.1.4 step 3 sample). */
export const RESTORE_SUCCESS = 'INFO: Success - Done!';

/** The runbook's name in state files. */
export const MANAGER_RESTORE = 'ovm-manager-restore';

export function managerRestoreRunbook(): Runbook<ManagerRestoreContext> {
  return {
    name: MANAGER_RESTORE,
    title: 'Oracle VM Manager restore (§12.1.4)',
    steps: [
      {
        id: 'check-backup',
        title: 'Check the database backup is in DBBACKUP',
        source: '§12.1.3, §12.1.4 step 3',
        async run(c) {
          const name = requireDbBackupName(c.backup).name;
          const l = await listDbBackups(c.ssh, c.layout, c.signal);
          const b = l.backups.find((x) => x.name === name);
          if (!b) throw new Error(`no database backup ${name} in ${l.settings.directory} (DBBACKUP)`);
          return `${name} in ${l.settings.directory}, ${formatAge(b.ageSeconds)} old`;
        },
      },
      {
        id: 'stop-services',
        title: 'Stop ovmcli, ovmm and ovmm_mysql',
        source: '§12.1.4 step 2',
        destructive: true,
        warning:
          'Stops the Oracle VM Manager CLI, the Manager and its database on the Manager host: the Manager (UI, REST, CLI) is unavailable until they are started again.',
        async run(c) {
          for (const s of STOP_ORDER) await runService(c.ssh, c.layout, s, 'stop', c);
          return 'stopped';
        },
        async verify(c) {
          for (const s of STOP_ORDER) if (await serviceRunning(c.ssh, c.layout, s, c.signal)) return false;
          return true;
        },
      },
      {
        id: 'restore-database',
        title: 'Restore the database with RestoreDatabase.sh',
        source: '§12.1.4 step 3',
        destructive: true,
        atomic: true,
        warning:
          'RestoreDatabase.sh deletes the current Manager database (appfw ibdata1 ib_logfile0 ib_logfile1 mysql ovs performance_schema) and restores the backup in its place; the product answers its "Are you sure it is safe to delete these directories/files now? [y,n]" with y.',
        async run(c) {
          const name = requireDbBackupName(c.backup).name;
          const argv = c.layout.restoreCommand(name, c.skipVersionChecks);
          c.output(`$ ${argv.join(' ')}\n`);
          const r = await c.ssh.exec(argv, { signal: c.signal, stdin: 'y\n', onOutput: (t) => c.output(t) });
          const text = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trim();
          if (r.code !== 0 || !r.stdout.includes(RESTORE_SUCCESS))
            throw new Error(
              `RestoreDatabase.sh ${r.code === 0 ? 'ended without "Success - Done!"' : `exited with ${r.code ?? r.signal}`}${remoteOutputText(text.slice(-3000))}`,
            );
          return `restored ${name}`;
        },
      },
      {
        id: 'start-services',
        title: 'Start ovmm_mysql, ovmm and ovmcli',
        source: '§12.1.4 step 4',
        async run(c) {
          for (const s of START_ORDER) await runService(c.ssh, c.layout, s, 'start', c);
          return 'started';
        },
        async verify(c) {
          for (const s of START_ORDER) if (!(await serviceRunning(c.ssh, c.layout, s, c.signal))) return false;
          return true;
        },
      },
      waitRunningStep('Wait until the Manager is RUNNING'),
      {
        id: 'verify-inventory',
        title: 'Check the inventory is back',
        source: '§12.1.4 step 8',
        async run(c) {
          const inv = await inventorySummary(c.client, c.signal);
          const config = await readRemoteText(c.ssh, c.layout.configFile, c.signal);
          const uuid = config === undefined ? undefined : configIdentity(config).uuid;
          c.output(
            `server pools: ${inv.pools.map(printable).join(', ') || '(none)'}\nservers: ${inv.servers.map(printable).join(', ') || '(none)'}\nVMs: ${inv.vms.length}\n`,
          );
          if (!inv.pools.length && !inv.servers.length && !inv.vms.length)
            throw new Error(
              'the Manager runs but has no server pool, server or VM: the database restore did not bring the inventory back',
            );
          if (uuid && inv.managerUuid && !sameUuid(uuid, inv.managerUuid))
            throw new Error(`the Manager's UUID ${inv.managerUuid} is not the one in .config (${uuid})`);
          return `${inv.pools.length} server pool(s), ${inv.servers.length} server(s), ${inv.vms.length} VM(s)`;
        },
      },
      {
        id: 'after-restore',
        title: 'What is left to do by hand',
        source: '§12.1.4 steps 5–8',
        async run(c) {
          c.output(
            [
              'After a reinstall the certificates were regenerated; the restore put the old mappings back (§12.1.4 step 5):',
              '  export MW_HOME=/u01/app/oracle/Middleware; /u01/app/oracle/ovm-manager-3/ovm_upgrade/bin/ovmkeytool.sh setupWebLogic',
              'On a new host only (step 6): …/ovm_upgrade/bin/ovmkeytool.sh gensslkey',
              'Then (step 7): /sbin/service ovmm restart; /u01/app/oracle/ovm-manager-3/bin/configure_client_cert_login.sh /path/to/cacert; /sbin/service ovmm restart',
              'Finally (step 8): Servers and VMs tab → Refresh All on each server pool.',
              '',
            ].join('\n'),
          );
          return 'steps 5–8 of §12.1.4 shown';
        },
      },
    ],
  };
}
