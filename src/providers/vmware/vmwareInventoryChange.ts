// vSphere object changes (vmwareRecordCache.ts) in the neutral model's terms: which VM rows changed, whose children
// changed — the tree repaints those nodes only (core/inventoryEvents.ts).
import { InventoryChange } from '../../core/inventoryEvents';
import { VmInfo } from '../../core/model';
import { vmPlacer } from './vmwareContainers';
import { VsphereInventory, VsphereVm, toVmInfo } from './vmwareRecords';
import { ObjectContent } from './vimPropertyCollector';
import { optMoRef } from './vimValue';

/** One object before and after a batch of the record cache (absent: not there). */
export interface ObjectChange {
  id: string;
  type: string;
  before?: ObjectContent;
  after?: ObjectContent;
}

/** Objects no tree level shows: their changes repaint nothing (datastores and networks are read by the pickers). */
const NOT_IN_TREE = new Set(['Datastore', 'Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork']);

/**
 * - a VM (not a template) added or removed: the children of where it is listed (vmPlacer: host, child resource pool,
 *   or datacenter); changed: its row, and both places when it moved (vMotion, another pool);
 * - its snapshot tree or current snapshot changed: the VM's children (its row changes too: snapshot count);
 * - a task (TaskManager.recentTask) came, changed state or went: the row of the VM it works on (busy or not);
 * - a datacenter, folder, cluster, host or resource pool changed: `all` (the levels above VMs are listed again).
 */
export function vmwareInventoryChange(
  changes: ObjectChange[],
  before: VsphereInventory,
  after: VsphereInventory,
): InventoryChange {
  if (changes.some((c) => c.type !== 'VirtualMachine' && c.type !== 'Task' && !NOT_IN_TREE.has(c.type)))
    return { vms: [], childrenOf: [], all: true };
  // A task's change is a change of the VM it works on (its row: busy or not).
  const vmIds = new Set(changes.filter((c) => c.type === 'VirtualMachine').map((c) => c.id));
  for (const c of changes)
    if (c.type === 'Task')
      for (const o of [c.before, c.after]) {
        const entity = optMoRef(o?.props['info.entity'], 'TaskInfo.entity');
        if (entity?.type === 'VirtualMachine') vmIds.add(entity.value);
      }
  const vmsBefore = new Map(before.vms.map((v) => [v.id, v]));
  const vmsAfter = new Map(after.vms.map((v) => [v.id, v]));
  const placeBefore = vmPlacer(before);
  const placeAfter = vmPlacer(after);
  const vms: VmInfo[] = [];
  const childrenOf = new Set<string>();
  for (const id of vmIds) {
    const real = (v: VsphereVm | undefined) => (v && !v.template ? v : undefined);
    const b = real(vmsBefore.get(id));
    const a = real(vmsAfter.get(id));
    if (!a && !b) continue;
    const from = b ? placeBefore(b) : undefined;
    const to = a ? placeAfter(a) : undefined;
    if (from !== to) for (const id of [from, to]) if (id) childrenOf.add(id);
    if (a) vms.push(toVmInfo(a));
    if (a && b && snapshotKey(a) !== snapshotKey(b)) childrenOf.add(a.id);
  }
  return { vms, childrenOf: [...childrenOf] };
}

const snapshotKey = (v: VsphereVm) => JSON.stringify([v.currentSnapshotId, v.snapshots]);
