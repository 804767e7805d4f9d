// A repository's contents as the Manager lists them: its virtual disks (with the VMs they are mapped into), ISOs and
// the VMs whose files (VirtualMachines/<id>/vm.cfg) it holds.
import { StorageItem } from '../../core/model';
import { OvmClient, idSegment } from './ovmClient';
import { listVirtualDisks, listVms } from './ovmInventory';
import { OvmVirtualDisk, OvmVm, listOf, parseVm } from './ovmRecords';

/**
 * The items of one repository: `GET Repository/{id}/VirtualDisk` and `Repository/{id}/Vm` (vmapi-rest-uri-mapping
 * child lists, protocols.md §2.2), and every VM (`GET Vm`) to name the VMs a disk is mapped into (a disk may serve a
 * VM whose vm.cfg lies in another repository). Rejects with the Manager's error on an unknown repository.
 */
export async function listRepositoryContents(
  c: OvmClient,
  repositoryId: string,
  signal?: AbortSignal,
): Promise<StorageItem[]> {
  const [disks, here, all] = await Promise.all([
    listVirtualDisks(c, repositoryId, signal),
    c.get(`Repository/${idSegment(repositoryId)}/Vm`, signal).then((r) => listOf(r, 'Repository Vm list', parseVm)),
    listVms(c, {}, signal),
  ]);
  return repositoryItems(disks, here, all);
}

/**
 * Maps the Manager's records to storage items: the repository's VMs' files first (by name), then its virtual disks and
 * ISOs (`diskType` VIRTUAL_CDROM) by name, each with the VMs whose `vmDiskMappingIds` share one of its mappings
 * (`VirtualDisk.vmDiskMappingIds`, fog-oracle mocks). `vms`: every VM the Manager knows (to name the users).
 */
export function repositoryItems(disks: OvmVirtualDisk[], repositoryVms: OvmVm[], vms: OvmVm[]): StorageItem[] {
  const byMapping = new Map<string, OvmVm>();
  for (const vm of [...repositoryVms, ...vms]) for (const m of vm.vmDiskMappingIds) byMapping.set(m.value, vm);
  const ref = (vm: OvmVm) => ({ id: vm.id.value, name: vm.name });
  const byName = (a: StorageItem, b: StorageItem) => a.name.localeCompare(b.name);
  const files: StorageItem[] = repositoryVms.map((vm) => ({
    id: vm.id.value,
    name: vm.name || vm.id.value,
    kind: 'vmFiles',
    path: `/VirtualMachines/${vm.id.value}/vm.cfg`,
    usedBy: [ref(vm)],
  }));
  const images: StorageItem[] = disks.map((d) => {
    const users = new Map<string, OvmVm>();
    for (const m of d.vmDiskMappingIds) {
      const vm = byMapping.get(m.value);
      if (vm) users.set(vm.id.value, vm);
    }
    return {
      id: d.id.value,
      name: d.name || d.id.value,
      kind: d.diskType === 'VIRTUAL_CDROM' ? 'iso' : 'virtualDisk',
      sizeBytes: d.size,
      path: d.path || undefined,
      usedBy: [...users.values()].map(ref),
    };
  });
  return [...files.sort(byName), ...images.sort(byName)];
}
