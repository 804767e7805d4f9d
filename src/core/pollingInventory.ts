// A live inventory for a platform without an event stream (Oracle VM Manager's REST API has none the product uses):
// its VMs listed again every interval while someone watches, and what differs reported as the event-driven caches
// report it (core/inventoryEvents.ts). The tree watches only while its view is visible (views/infrastructureTree.ts),
// so nothing is polled when no one looks — the RefreshManager pattern of microsoft/vscode-containers.
import { InventoryChange, InventoryListener, LiveInventory } from './inventoryEvents';
import { VmInfo } from './model';

export interface PollingOptions {
  /** Between the end of one listing and the start of the next, ms (listings never overlap). */
  intervalMs: number;
  /** Told about a failed listing (the next one is tried after the interval). */
  onError?: (err: unknown) => void;
}

/**
 * Polls `listVms` while watched. The first listing after a watch starts is the reference (nothing reported unless
 * an earlier watch left one: then what changed while no one watched is reported). A VM whose row differs is
 * reported in `vms`; one added, removed or moved gives the children of where it is listed (its host, else its pool).
 */
export function pollingInventory(listVms: () => Promise<VmInfo[]>, opts: PollingOptions): LiveInventory {
  const listeners = new Set<InventoryListener>();
  let known: Map<string, VmInfo> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const schedule = () => {
    if (listeners.size && !timer) timer = setTimeout(tick, opts.intervalMs);
  };
  const tick = async () => {
    timer = undefined;
    if (running || !listeners.size) return;
    running = true;
    try {
      const vms = await listVms();
      const next = new Map(vms.map((v) => [v.id, v]));
      const change = known ? diff(known, next) : undefined;
      known = next;
      if (change && (change.vms.length || change.childrenOf.length))
        for (const l of [...listeners]) {
          try {
            l(change);
          } catch (err) {
            opts.onError?.(err);
          }
        }
    } catch (err) {
      opts.onError?.(err);
    } finally {
      running = false;
      schedule();
    }
  };
  return {
    watch(listener: InventoryListener): () => void {
      const first = !listeners.size;
      listeners.add(listener);
      if (first) void tick();
      return () => {
        listeners.delete(listener);
        if (!listeners.size && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
  };
}

const listedUnder = (v: VmInfo) => v.hostId ?? v.poolId;

function diff(before: Map<string, VmInfo>, after: Map<string, VmInfo>): InventoryChange {
  const vms: VmInfo[] = [];
  const childrenOf = new Set<string>();
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b) childrenOf.add(listedUnder(a));
    else if (JSON.stringify(a) !== JSON.stringify(b)) {
      vms.push(a);
      if (listedUnder(a) !== listedUnder(b)) for (const p of [listedUnder(a), listedUnder(b)]) childrenOf.add(p);
    }
  }
  for (const [id, b] of before) if (!after.has(id)) childrenOf.add(listedUnder(b));
  return { vms, childrenOf: [...childrenOf] };
}
