// The Oracle VM Manager host as the guide lays it out (§12.1): where .config, the tools, the backups and the services are.
import { ManagerHostSettings } from '../../../core/model';
import { shellCommand } from '../../../transport/shellQuote';

export type { ManagerHostSettings };

/** The guide's paths on a Manager host, from the settings' Oracle base. */
export class ManagerLayout {
  readonly oracleHome: string;
  readonly sysconfig: string;
  readonly service: string;
  constructor(readonly settings: Pick<ManagerHostSettings, 'oracleHome' | 'sysconfig' | 'service' | 'restoreUser'>) {
    this.oracleHome = (settings.oracleHome ?? '/u01/app/oracle').replace(/\/+$/, '');
    this.sysconfig = settings.sysconfig ?? '/etc/sysconfig/ovmm';
    this.service = settings.service ?? '/sbin/service';
  }
  /** §12.1.1: `/u01/app/oracle/ovm-manager-3/.config`. */
  get configFile(): string {
    return `${this.oracleHome}/ovm-manager-3/.config`;
  }
  /** §12.1.2.3, §12.1.4 step 3: `…/ovm-manager-3/ovm_tools/bin/<tool>`. */
  tool(name: 'BackupDatabase' | 'RestoreDatabase.sh'): string {
    return `${this.oracleHome}/ovm-manager-3/ovm_tools/bin/${name}`;
  }
  /** §12.1.2: the default DBBACKUP when /etc/sysconfig/ovmm does not set it. */
  get defaultDbBackup(): string {
    return `${this.oracleHome}/mysql/dbbackup`;
  }
  /** §12.1.6: the WebLogic embedded LDAP data (users created in WebLogic besides the Manager's own). */
  get weblogicLdap(): string {
    return `${this.oracleHome}/ovm-manager-3/domains/ovm_domain/servers/AdminServer/data/ldap`;
  }
  /** `/sbin/service <name> <action>` (§12.1.4 steps 2 and 4). */
  serviceCommand(name: ManagerService, action: 'start' | 'stop' | 'status'): string[] {
    return [this.service, name, action];
  }
  /**
   * `bash …/RestoreDatabase.sh <backup>` (§12.1.4 step 3), through `su - <restoreUser> -c '<that line>'` when the
   * restore runs as another user than the SSH login (the line is built by shellQuote, so `su`'s shell reads it literally).
   */
  restoreCommand(backup: string, skipVersionChecks = false): string[] {
    const argv = [
      'bash',
      this.tool('RestoreDatabase.sh'),
      backup,
      ...(skipVersionChecks ? ['--skipversionchecks'] : []),
    ];
    return this.settings.restoreUser ? ['su', '-', this.settings.restoreUser, '-c', shellCommand(argv)] : argv;
  }
}

/** The services of §12.1.4, stopped in this order and started in the reverse one. */
export type ManagerService = 'ovmcli' | 'ovmm' | 'ovmm_mysql';
export const STOP_ORDER: readonly ManagerService[] = ['ovmcli', 'ovmm', 'ovmm_mysql'];
export const START_ORDER: readonly ManagerService[] = ['ovmm_mysql', 'ovmm', 'ovmcli'];
