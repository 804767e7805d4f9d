// The vm.cfg of the VM a clone was made from: the backup of a clone records the original's NICs (its MACs), not the
// clone's, whose MACs the Manager gave it new.
import { ErrorContext, VendorError } from '../../core/errors';
import { OracleVmServerAccess } from '../../core/model';
import { OvmClient } from './ovmClient';
import { getRepository } from './ovmInventory';
import { OvmVm } from './ovmRecords';
import { openRepositoryServer, vmCfgPath } from './ovmRepositoryFiles';

/** Larger than this is not a vm.cfg (the restore refuses one over 1 MiB too). */
const MAX_VM_CFG_BYTES = 1024 * 1024;

/**
 * `vm`'s own vm.cfg (`VirtualMachines/<id>/vm.cfg` of its repository), read with `cat --` (argv quoted) over SSH on a
 * server presenting that repository. Read-only; the VM may be running.
 * @throws VendorError VM_NOT_IN_REPOSITORY, NO_REPOSITORY_SERVER, READ_FAILED (cat's stderr); SSH errors.
 */
export async function readOriginalVmCfg(
  client: OvmClient,
  access: OracleVmServerAccess | undefined,
  vm: OvmVm,
  secrets: { sshPassword?: string },
  context: ErrorContext,
  signal?: AbortSignal,
): Promise<string> {
  if (!vm.repositoryId) throw new VendorError('VM_NOT_IN_REPOSITORY', [`VM "${vm.name}" has no repository`], context);
  const repo = await getRepository(client, vm.repositoryId.value, signal);
  const server = await openRepositoryServer(client, access, repo, secrets, context, signal);
  try {
    const file = server.remote(vmCfgPath(vm.id.value, context));
    const r = await server.session.exec(['cat', '--', file], { signal, maxOutputBytes: MAX_VM_CFG_BYTES });
    if (r.code !== 0)
      throw new VendorError(
        'READ_FAILED',
        [`cat ${file} on ${server.server.name}: ${r.stderr.trim().slice(0, 200)}`],
        context,
      );
    return r.stdout;
  } finally {
    await server.session.close();
  }
}
