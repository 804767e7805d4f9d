// `vmbackup backup <vm>…`: several VMs through the job manager, so the connection's concurrencyPerHost holds.
import { BackupOptions, Provider, operation } from '../core/provider';
import { VmInfo } from '../core/model';
import { JobManager } from '../core/jobManager';
import { concurrencyPerHost } from '../core/concurrency';
import { CatalogEntry } from '../core/repository';
import { terminalContext } from './session';
import { EXIT_WARNINGS } from './exitCodes';
import { shown } from './printable';

/**
 * Backs up `vms`, each as a job keyed by its host (a VM that runs nowhere: by its pool), at most the profile's
 * concurrencyPerHost at once per host (else the one its capabilities declare, else JobManager's). One VM prints its catalog entry, as before;
 * several print one line (or one JSON object with the job's times) per VM. Exit 1 when any failed, else EXIT_WARNINGS when a
 * job succeeded with warnings (e.g. a temporary snapshot's disk left for Clean Up); Ctrl-C cancels all. A log line
 * `alreadyShown` accepts (the verb printed it before the jobs) goes to the job's log only, not to the terminal again.
 */
export async function backupVms(
  p: Provider,
  vms: VmInfo[],
  opts: BackupOptions,
  quiet: boolean,
  out: (data: unknown, text: string) => void,
  alreadyShown: (line: string) => boolean = () => false,
): Promise<number> {
  const limit = concurrencyPerHost(p.profile, p.capabilities);
  const jobs = new JobManager({ concurrencyPerHost: limit });
  const backup = operation(p, 'backupVm');
  const terminal = terminalContext(quiet);
  terminal.signal.addEventListener('abort', () => jobs.cancelAll(), { once: true });
  const runs = vms.map((vm) =>
    jobs.run(
      `Back up ${vm.name}`,
      'backup',
      { connection: p.profile.name, vm: vm.name },
      vm.hostId ?? `pool:${vm.poolId}`,
      (ctx) =>
        backup(vm.id, opts, {
          ...ctx,
          progress: terminal.progressOf(vm.name),
          log: (l) => {
            ctx.log(l);
            if (!alreadyShown(l)) (vms.length > 1 ? terminal.logOf(vm.name) : terminal.log)(l);
          },
        }),
      limit,
    ),
  );
  const settled = await Promise.allSettled(runs.map((r) => r.done));
  if (vms.length === 1) {
    const [only] = settled;
    if (only.status === 'rejected') throw only.reason;
    const warnings = runs[0].job.record.warnings ?? [];
    if (!warnings.length) {
      out(only.value, shown`backed up ${vms[0].name} to ${only.value.dir}`);
      return 0;
    }
    out(
      { ...only.value, warnings },
      [
        shown`backed up ${vms[0].name} to ${only.value.dir}, with warnings:`,
        ...warnings.map((w) => shown`  ${w}`),
      ].join('\n'),
    );
    return EXIT_WARNINGS;
  }
  const rows = settled.map((s, i) => ({
    vm: vms[i].name,
    uuid: vms[i].uuid,
    state: runs[i].job.state,
    started: runs[i].job.record.started,
    finished: runs[i].job.record.finished,
    ...(s.status === 'fulfilled' ? { entry: s.value as CatalogEntry } : { error: (s.reason as Error).message }),
    ...(runs[i].job.record.warnings?.length ? { warnings: runs[i].job.record.warnings } : {}),
  }));
  out(
    rows,
    rows
      .map((r) =>
        'entry' in r
          ? shown`backed up ${r.vm} to ${r.entry!.dir}` +
            (r.warnings ? shown`, with warnings: ${r.warnings.join('; ')}` : '')
          : shown`FAILED ${r.vm}: ${r.error}`,
      )
      .join('\n'),
  );
  if (!rows.every((r) => 'entry' in r)) return 1;
  return rows.some((r) => r.warnings) ? EXIT_WARNINGS : 0;
}
