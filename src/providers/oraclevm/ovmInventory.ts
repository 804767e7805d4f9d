// Browsing a Manager: server pools → servers → VMs, repositories with their virtual disks, the Manager's jobs.
import { StorageInfo } from '../../core/model';
import { OvmClient, idSegment } from './ovmClient';
import {
  OvmFileSystem,
  OvmJob,
  OvmRepository,
  OvmServer,
  OvmServerPool,
  OvmVirtualDisk,
  OvmVm,
  OvmVmDiskMapping,
  listOf,
  parseFileSystem,
  parseJob,
  parseRepository,
  parseServer,
  parseServerPool,
  parseVirtualDisk,
  parseVm,
  parseVmDiskMapping,
  toStorage,
} from './ovmRecords';

export function listServerPools(c: OvmClient, signal?: AbortSignal): Promise<OvmServerPool[]> {
  return c.get('ServerPool', signal).then((r) => listOf(r, 'ServerPool list', parseServerPool));
}

/** A pool's servers (`GET ServerPool/{id}/Server`), or every server the Manager knows. */
export function listServers(c: OvmClient, poolId?: string, signal?: AbortSignal): Promise<OvmServer[]> {
  return c
    .get(poolId ? `ServerPool/${idSegment(poolId)}/Server` : 'Server', signal)
    .then((r) => listOf(r, 'Server list', parseServer));
}

/** VMs of a pool (`ServerPool/{id}/Vm`), of a server (`Server/{id}/Vm`), or all. */
export function listVms(
  c: OvmClient,
  scope: { poolId?: string; serverId?: string } = {},
  signal?: AbortSignal,
): Promise<OvmVm[]> {
  const p = scope.serverId
    ? `Server/${idSegment(scope.serverId)}/Vm`
    : scope.poolId
      ? `ServerPool/${idSegment(scope.poolId)}/Vm`
      : 'Vm';
  return c.get(p, signal).then((r) => listOf(r, 'Vm list', parseVm));
}

export function getVm(c: OvmClient, vmId: string, signal?: AbortSignal): Promise<OvmVm> {
  return c.get(`Vm/${idSegment(vmId)}`, signal).then((r) => parseVm(r));
}

export function getRepository(c: OvmClient, id: string, signal?: AbortSignal): Promise<OvmRepository> {
  return c.get(`Repository/${idSegment(id)}`, signal).then((r) => parseRepository(r));
}

/** A VM's disk mappings (`GET Vm/{id}/VmDiskMapping`), in slot order. */
export async function listVmDiskMappings(
  c: OvmClient,
  vmId: string,
  signal?: AbortSignal,
): Promise<OvmVmDiskMapping[]> {
  const list = listOf(
    await c.get(`Vm/${idSegment(vmId)}/VmDiskMapping`, signal),
    'VmDiskMapping list',
    parseVmDiskMapping,
  );
  return list.sort((a, b) => (a.diskTarget ?? 0) - (b.diskTarget ?? 0));
}

/** The virtual disks (not CD-ROMs) mapped into a VM, in slot order. */
export async function vmVirtualDisks(c: OvmClient, vmId: string, signal?: AbortSignal): Promise<OvmVirtualDisk[]> {
  const out: OvmVirtualDisk[] = [];
  for (const m of await listVmDiskMappings(c, vmId, signal)) {
    if (!m.virtualDiskId) continue;
    const d = parseVirtualDisk(await c.get(`VirtualDisk/${idSegment(m.virtualDiskId.value)}`, signal));
    if (d.diskType !== 'VIRTUAL_CDROM') out.push(d);
  }
  return out;
}

export function listRepositories(c: OvmClient, signal?: AbortSignal): Promise<OvmRepository[]> {
  return c.get('Repository', signal).then((r) => listOf(r, 'Repository list', parseRepository));
}

/**
 * The repositories as storage, each with its file system's free space and size (`GET FileSystem/{id}` of its
 * `fileSystemId`, fog-oracle get_file_system.rb). A file system that cannot be read leaves that repository's space
 * unknown ("free space unknown" in the tree, no refusal on space) rather than failing the list.
 */
export async function listRepositoryStorage(c: OvmClient, signal?: AbortSignal): Promise<StorageInfo[]> {
  const repos = await listRepositories(c, signal);
  return Promise.all(repos.map(async (r) => toStorage(r, await repositoryFileSystem(c, r, signal))));
}

/** The repository's file system, or undefined when it has none or it cannot be read (CancelledError is passed on). */
export async function repositoryFileSystem(
  c: OvmClient,
  r: OvmRepository,
  signal?: AbortSignal,
): Promise<OvmFileSystem | undefined> {
  if (!r.fileSystemId) return undefined;
  try {
    return parseFileSystem(await c.get(`FileSystem/${idSegment(r.fileSystemId.value)}`, signal));
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined;
  }
}

/** A repository's virtual disks (`GET Repository/{id}/VirtualDisk`), each with its `path` inside the repository. */
export function listVirtualDisks(c: OvmClient, repositoryId: string, signal?: AbortSignal): Promise<OvmVirtualDisk[]> {
  return c
    .get(`Repository/${idSegment(repositoryId)}/VirtualDisk`, signal)
    .then((r) => listOf(r, 'VirtualDisk list', parseVirtualDisk));
}

/** The Manager's jobs, running first, then the most recent (by `startTime`, else the id: ids are start times in ms). */
export async function listJobs(c: OvmClient, signal?: AbortSignal): Promise<OvmJob[]> {
  const jobs = listOf(await c.get('Job', signal), 'Job list', parseJob);
  const t = (j: OvmJob) => j.startTime ?? (Number(j.id.value) || 0);
  return jobs.sort((a, b) => Number(a.summaryDone) - Number(b.summaryDone) || t(b) - t(a));
}
