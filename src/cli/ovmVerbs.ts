// `vmbackup backup` on a `platform: oraclevm` connection: the guide §12.2 method and what it needs.
import { Args } from './args';
import { backupVms } from './backupVerb';
import { Provider } from '../core/provider';
import { VmInfo } from '../core/model';
import { OvmBackupOptions } from '../providers/oraclevm/ovmBackup';
import { OvmBackupMethod, describeBackupOptions, tradeOffText } from '../providers/oraclevm/ovmBackupOptions';
import { printableLines, shown } from './printable';
import { VendorError } from '../core/errors';

const METHODS: OvmBackupMethod[] = ['cold-clone', 'copy-stopped', 'hot-clone', 'ova-export'];

/** The Oracle VM backup options of the command line: --method, --stop, --confirm-hot-clone, --clone-repository. */
export function ovmBackupOptions(a: Args, repository: string): OvmBackupOptions {
  const method = (typeof a.flags.method === 'string' ? a.flags.method : 'cold-clone') as OvmBackupMethod;
  if (!METHODS.includes(method))
    throw new Error(`--method: one of ${METHODS.join(', ')} (got ${JSON.stringify(String(a.flags.method))})`);
  return {
    repository,
    method,
    stop: !!a.flags.stop,
    confirmed: !!a.flags['confirm-hot-clone'],
    cloneRepository: typeof a.flags['clone-repository'] === 'string' ? a.flags['clone-repository'] : undefined,
  };
}

/**
 * Backs up Oracle VM VMs with the chosen method. Its trade-off (guide Table 12.1) is printed first on stderr, as lines
 * that stay (on a terminal too: the status line would cut it to the width and erase it), before anything is contacted;
 * the provider's log line of the same text then goes to the job's log only. An option the product does not run says
 * why; a hot clone without --confirm-hot-clone is refused.
 */
export async function ovmBackupVerb(
  a: Args,
  p: Provider,
  vms: VmInfo[],
  repository: string,
  out: (data: unknown, text: string) => void,
): Promise<number> {
  const opts = ovmBackupOptions(a, repository);
  // The OVA export is offered where the connection has the Manager CLI: the provider's capabilities say so.
  const cli = !!p.capabilities.backupMethods?.some((m) => m.id === 'ova-export');
  const info = describeBackupOptions({ cli }).find((o) => o.method === opts.method)!;
  const tradeOff = tradeOffText(opts.method!);
  process.stderr.write(`${printableLines(tradeOff)}\n`);
  if (info.needsConfirmation && !opts.confirmed)
    throw new VendorError('HOT_CLONE_NOT_CONFIRMED', [`${info.needsConfirmation} Add --confirm-hot-clone to go on.`]);
  if (!info.available) throw new Error(`${info.label}: ${info.why}`);
  const running = vms.filter((v) => v.powerState !== 'halted');
  if (running.length && !opts.stop && opts.method !== 'hot-clone')
    process.stderr.write(
      shown`${running.map((v) => v.name).join(', ')} ${running.length > 1 ? 'are' : 'is'} not stopped: the Manager refuses ${opts.method === 'ova-export' ? 'to export it' : 'a cold clone of it'} (add --stop to stop it first)` +
        '\n',
    );
  return backupVms(p, vms, opts, !!a.flags.json, out, (line) => line === tradeOff);
}
