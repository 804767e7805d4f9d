// XAPI record changes (recordCache.ts) in the neutral model's terms: which VM rows changed, whose children changed.
import { InventoryChange } from '../../core/inventoryEvents';
import { NULL_REF, Ref } from './xapiClient';
import { RecordChange, placement } from './recordCache';
import { VmLookups, XenVm, isRealVm, toVmInfo } from './xenRecords';

/**
 * - a real VM added or removed: the children of where it is listed (its host, or the pool when it runs nowhere);
 *   changed: its row, and both places when it moved (started, migrated, halted);
 * - a snapshot added, removed or changed: the children of the VM it is a snapshot of (its VM row changes too, with
 *   `snapshots`, and is reported as a VM row);
 * - a host added or removed: the pool's children.
 * - a VM_guest_metrics changed (the guest reported other addresses): the row of the VM whose `guest_metrics` names it
 *   (`vms`: the cache's VM records, scanned only then);
 * Other classes (VDI, VBD, SR, PBD, VIF, network, task) change no node of the tree; a task's progress shows through
 * the VM's `current_operations`, which is a VM row change.
 */
export function toInventoryChange(
  changes: RecordChange[],
  poolId: string,
  vdiExists: (r: Ref) => boolean,
  lookups: VmLookups = {},
  vms: Record<Ref, XenVm> = {},
): InventoryChange {
  const rows = new Map<Ref, ReturnType<typeof toVmInfo>>();
  const childrenOf = new Set<string>();
  const listedUnder = (v: XenVm) => {
    const p = placement(v);
    return p === NULL_REF ? [poolId] : [p, ...(v.resident_on && v.resident_on !== NULL_REF ? [] : [poolId])];
  };
  const metrics = new Set(changes.filter((c) => c.cls === 'vm_guest_metrics').map((c) => c.ref));
  if (metrics.size)
    for (const [ref, v] of Object.entries(vms))
      if (isRealVm(v) && metrics.has(v.guest_metrics ?? NULL_REF))
        rows.set(ref, toVmInfo(ref, v, poolId, vdiExists, lookups));
  for (const c of changes) {
    if (c.cls === 'host' && c.op !== 'mod') childrenOf.add(poolId);
    if (c.cls !== 'vm') continue;
    const before = c.previous as XenVm | undefined;
    const after = c.record as XenVm | undefined;
    const v = after ?? before!;
    if (v.is_a_snapshot) {
      if (isRef(v.snapshot_of)) childrenOf.add(v.snapshot_of);
      continue;
    }
    const wasReal = !!before && isRealVm(before);
    const isReal = !!after && isRealVm(after);
    if (!wasReal && !isReal) continue;
    const from = wasReal ? listedUnder(before!) : [];
    const to = isReal ? listedUnder(after!) : [];
    if (from.join() !== to.join()) for (const id of [...from, ...to]) childrenOf.add(id);
    if (isReal) rows.set(c.ref, toVmInfo(c.ref, after!, poolId, vdiExists, lookups));
    if (wasReal && isReal && (before!.snapshots ?? []).join() !== (after!.snapshots ?? []).join())
      childrenOf.add(c.ref);
  }
  return { vms: [...rows.values()], childrenOf: [...childrenOf] };
}

const isRef = (r: Ref | undefined): r is Ref => !!r && r !== NULL_REF;
