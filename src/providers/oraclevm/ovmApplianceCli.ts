// The Manager CLI commands of a virtual appliance (VirtualAppliance) an OVA backup makes and deletes. Sources:
// Oracle VM 3.4 CLI reference A.106 `exportVirtualAppliance Repository instance name=value vms=value`
// (docs.oracle.com/cd/_E64076_01/E64086/html/vmcli-ref-exportvirtualappliance.html: "creates a virtual appliance from
// one or more virtual machines, then saves the virtual appliance in a storage repository"; "Virtual machines must be in
// the Stopped state before you can export them"), A.59 `delete { … | VirtualAppliance | … } { id=value | name=value }`
// (…/vmcli-ref-delete.html); `list VirtualAppliance` lines `id:<id>  name:<name>` as a public OVM 3.4 backup script
// built on Oracle's HotCloneVm.sh reads them (`sshi list VirtualAppliance | … | cut -d ":" -f3`), and the same script's
// `delete VirtualAppliance name=…` for its retention.
import { ErrorContext, VendorError } from '../../core/errors';
import { ManagerCliAccess, runCliCommand } from './manager/managerCli';

/** An appliance the Manager lists. */
export interface OvmAppliance {
  id: string;
  name: string;
}

/** A word the CLI's exec line carries unquoted (it is not a shell, and nothing is quoted): letters, digits, `_`, `-`. */
const CLI_WORD = /^[A-Za-z0-9_-]{1,64}$/;

/** The product's code for a value the CLI's command line cannot carry safely. */
export const UNSAFE_CLI_VALUE = 'UNSAFE_CLI_VALUE';

/** `value` when the CLI can carry it unquoted (CLI_WORD), else VendorError UNSAFE_CLI_VALUE naming `what`. */
export function cliWord(value: string, what: string, context: ErrorContext): string {
  if (!CLI_WORD.test(value))
    throw new VendorError(
      UNSAFE_CLI_VALUE,
      [
        `${what} ${JSON.stringify(value.slice(0, 80))} cannot be given to the Manager CLI (letters, digits, _ and - only)`,
      ],
      context,
    );
  return value;
}

/** The name of a backup's appliance: `vmbackup-<journal marker>` (journalled before the export, so Clean Up finds it). */
export function applianceName(marker: string): string {
  return `vmbackup-${marker}`;
}

/**
 * `exportVirtualAppliance Repository id=<repository> name=<appliance> vms=<vm id>` (A.106), every value checked by
 * cliWord. The CLI answers when its job has ended (the public script runs the command in the background and polls
 * `list job` meanwhile); the reply is returned on `Status: Success`, else VendorError with the Manager's message
 * verbatim (runCliCommand). Abort closes the CLI session (the caller aborts the Manager job through REST).
 */
export async function exportVirtualApplianceCli(
  cli: ManagerCliAccess,
  o: { repositoryId: string; name: string; vmId: string },
  context: ErrorContext,
  signal?: AbortSignal,
): Promise<{ jobId?: string }> {
  const line = `exportVirtualAppliance Repository id=${cliWord(o.repositoryId, 'repository id', context)} name=${cliWord(o.name, 'appliance name', context)} vms=${cliWord(o.vmId, 'VM id', context)}`;
  const reply = await runCliCommand(cli, line, context, { signal, idleMs: 24 * 3600_000 });
  return { jobId: reply.jobId };
}

/** `list VirtualAppliance`: the data lines `id:<id>  name:<name>` (other lines are ignored). */
export async function listAppliancesCli(
  cli: ManagerCliAccess,
  context: ErrorContext,
  signal?: AbortSignal,
): Promise<OvmAppliance[]> {
  const reply = await runCliCommand(cli, 'list VirtualAppliance', context, { signal });
  const out: OvmAppliance[] = [];
  for (const line of reply.data) {
    const m = /^id:(\S+)\s+name:(.+)$/.exec(line.trim());
    if (m) out.push({ id: m[1], name: m[2].trim() });
  }
  return out;
}

/**
 * Deletes the appliance named `name` (exactly) if the Manager lists it: `delete VirtualAppliance id=<its id>` (A.59).
 * Returns what was (or, dryRun, would be) deleted; undefined when there is none. Never deletes by a name it did not make:
 * callers pass applianceName(marker) only.
 */
export async function deleteApplianceCli(
  cli: ManagerCliAccess,
  name: string,
  context: ErrorContext,
  opts: { dryRun?: boolean; signal?: AbortSignal } = {},
): Promise<OvmAppliance | undefined> {
  const found = (await listAppliancesCli(cli, context, opts.signal)).filter((a) => a.name === name);
  if (found.length > 1)
    throw new VendorError(
      'APPLIANCE_AMBIGUOUS',
      [`the Manager lists ${found.length} virtual appliances named "${name}": none deleted`],
      context,
    );
  const a = found[0];
  if (!a || opts.dryRun) return a;
  await runCliCommand(cli, `delete VirtualAppliance id=${cliWord(a.id, 'appliance id', context)}`, context, {
    signal: opts.signal,
  });
  return a;
}
